using System.Security.Cryptography;
using Azure;
using Custodian.Hosting;
using Custodian.Security;
using Custodian.Silo.Regions;
using Custodian.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Custodian.Silo.Storage;

/// <summary>
/// The <c>secure</c> grain storage: serialises each state, seals it with AES-256-GCM under the
/// grain's own data key, and hands only the envelope to the inner provider. Clearing a state is
/// crypto-shredding: the grain's data key is destroyed, its stored state becomes a tombstone, and
/// a shred receipt is kept; every copy (current, replicated, backed up) then reads as erased.
/// The inner storage is the replicated one: states go to this region and its pair; data keys and
/// shreds reach the pair through <see cref="PairReplica"/> before the write is acknowledged.
/// </summary>
public sealed class EncryptedGrainStorage(
    IGrainStorage inner,
    DataKeyStore keys,
    ShredLedger ledger,
    SecureStorageOptions options,
    Serializer serializer,
    IGrainContextAccessor activations,
    HeldDataKeys held,
    RegionFence fence,
    PairReplica replica,
    AuditKeys integrity,
    IntegrityAlerts alerts,
    IOptions<ClusterOptions> cluster,
    ILogger<EncryptedGrainStorage> logger,
    VersionRecord? versions = null) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How old a data key without a state may be and still pass, unverified by the pair, for a first write that stopped.</summary>
    public static readonly TimeSpan UnverifiedFirstWrite = TimeSpan.FromMinutes(5);

    private readonly string _serviceId = cluster.Value.ServiceId;
    private readonly EnvelopeAuthenticity _authenticity = new(keys, integrity, cluster.Value.ServiceId, options.ReadUnstampedEnvelopes);

    /// <summary>Whether an activation's copy is compared with the pair's (always, but for the benchmark's "before" variant).</summary>
    internal bool CompareWithPair { get; set; } = true;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = new StoredCopies();
        var id = grainId.ToString();
        var recorded = versions?.ReadAsync(id, stateName);
        await inner.ReadStateAsync(stateName, grainId, stored);
        grainState.ETag = stored.ETag;
        var own = stored.RecordExists ? stored.State : null;
        var holder = ActivationDataKey.Of(activations, held, grainId);
        var key = holder?.Key ?? await keys.FindAsync(id);
        var read = new StateRead(id, stateName, PlacementScope.Of(grainId, fence.Region), grainId, own, stored.Pair, key, recorded is null ? null : await recorded);
        if (own is null || own.Erased is not null || own.Ciphertext.Length == 0)
        {
            Reset(grainState, await UnsealedAsync(read, grainState));
            return;
        }

        if (key is null)
        {
            // A copy from before the shred (a backup, a replica): its key is gone, so it is erased, if a shred is on record.
            StorageLog.StateErased(logger, id, stateName);
            var known = await ledger.FindTombstoneAsync(id);
            if (known is null && !await replica.ShredPendingAsync(read.Scope, id))
            {
                throw Refuse(read, "its data key is missing but no shred of it is recorded");
            }

            Reset(grainState, new ErasureRecord(known?.At ?? DateTimeOffset.UnixEpoch, known?.ReceiptId ?? "", "", "data key destroyed"));
            return;
        }

        byte[] plaintext;
        try
        {
            plaintext = EnvelopeCipher.Open(own, key, _serviceId, id, stateName, options.ReadUnstampedEnvelopes);
        }
        catch (CryptographicException e)
        {
            StorageLog.IntegrityFailure(logger, id, stateName);
            throw new StoredStateIntegrityException(
                $"The stored state '{stateName}' of grain {id} failed its integrity check; nothing was read and the stored copy is unchanged.", e);
        }

        try
        {
            await CompareWithPairAsync(read, own);
            CompareWithRecord(read, own.Stamp);
            grainState.State = serializer.Deserialize<T>(plaintext);
            grainState.RecordExists = true;
            holder?.Hold(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = grainId.ToString();
        var scope = PlacementScope.Of(grainId, fence.Region);
        var epoch = await fence.AuthorizeAsync(scope);
        var holder = ActivationDataKey.Of(activations, held, grainId);
        var key = holder?.Key;
        var created = false;
        if (key is null)
        {
            (key, created) = await keys.GetOrCreateAsync(id);
        }

        holder?.Hold(key);
        if (holder?.InPair != true)
        {
            // The pair holds the key before any state sealed with it: a new key is copied; an existing one is
            // checked once per activation (a silo lost between creating a key and copying it left it out).
            await replica.CopyKeyAsync(scope, id, key, created);
            if (holder is not null)
            {
                holder.InPair = true;
            }
        }

        var plaintext = serializer.SerializeToArray(grainState.State);
        EncryptedEnvelope envelope;
        try
        {
            envelope = EnvelopeCipher.Seal(plaintext, key, _serviceId, id, stateName, ReplicatedGrainStorage.NextStamp(grainState.ETag, epoch, fence.Region));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        await WriteEnvelopeAsync(stateName, grainId, grainState, envelope);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = grainId.ToString();
        var scope = PlacementScope.Of(grainId, fence.Region);
        var epoch = await fence.AuthorizeAsync(scope);
        var erasure = (grainState.State as IErasableState)?.Erasure
            ?? ErasureRecord.New(DateTimeOffset.UtcNow, "system", "state cleared");

        // The intent first, in this region: a silo lost in the middle of a shred leaves it in the backlog, and the
        // drain finishes the shred in the pair, so a failover can never bring the subject back there.
        await replica.IntendShredAsync(scope, id, erasure.ReceiptId);

        // The keys go first, in both regions: once they are destroyed, every copy is unreadable even if
        // what follows fails. A pair that cannot be reached gets the shred first when it returns.
        var keyId = await keys.DestroyAsync(id) ?? "";
        ActivationDataKey.Of(activations, held, grainId)?.Destroy();
        var pairCleared = await replica.DestroyKeyAsync(scope, id, erasure.ReceiptId);
        var tombstone = EnvelopeCipher.Tombstone(
            integrity, _serviceId, id, stateName, ReplicatedGrainStorage.NextStamp(grainState.ETag, epoch, fence.Region), erasure.ErasedAt, erasure.ReceiptId);
        await WriteEnvelopeAsync(stateName, grainId, grainState, tombstone);
        var receipt = new ShredReceipt(erasure.ReceiptId, id, keyId, erasure.ErasedAt, erasure.Actor, erasure.Reason,
        [
            .. ShredLedger.StoresCleared(fence.Region, keys.TableName, options.StateTable),
            .. pairCleared ? ShredLedger.StoresCleared(fence.Pair, keys.TableName, options.StateTable) : [ShredLedger.Pending(fence.Pair, DateTimeOffset.UtcNow)],
            .. ShredLedger.Everywhere,
        ]);
        await ledger.RecordAsync(receipt);
        await replica.RecordShredAsync(scope, receipt, pairCleared);
        StorageLog.StateShredded(logger, id, stateName, erasure.ReceiptId);
        Reset(grainState, erasure);
        grainState.RecordExists = true;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EncryptedGrainStorage), ServiceLifecycleStage.ApplicationServices, async ct =>
        {
            await keys.InitializeAsync(ct);
            await ledger.InitializeAsync(ct);
            if (versions is not null)
            {
                await versions.InitializeAsync(ct);
            }
        });

    private async Task WriteEnvelopeAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, EncryptedEnvelope envelope)
    {
        var stored = new GrainState<EncryptedEnvelope>(envelope, grainState.ETag) { RecordExists = grainState.RecordExists };
        await inner.WriteStateAsync(stateName, grainId, stored);
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
        if (versions is not null)
        {
            try
            {
                await versions.RecordAsync(grainId.ToString(), stateName, envelope.Stamp);
            }
            catch (RequestFailedException e)
            {
                // The state is durable; the record lags until the next write (behind is sound, never ahead).
                StorageLog.VersionRecordLagging(logger, grainId.ToString(), stateName, e.Status);
            }
        }
    }

    /// <summary>
    /// A state stored as no ciphertext: missing, blanked, or a tombstone. Returns the erasure it stands for (null: a
    /// new grain), or throws <see cref="StoredStateIntegrityException"/> when it is a reset or a destroyed state.
    /// A row that fails its check (a forged tombstone, a blanked envelope) never counts as an erasure: it is reported,
    /// then judged as if missing, so on a grain that has nothing to lose it is simply overwritten by the next write.
    /// </summary>
    private async Task<ErasureRecord?> UnsealedAsync<T>(StateRead read, IGrainState<T> grainState)
    {
        var found = "its state row is missing";
        if (read.Own is { Erased: { } tombstone } own)
        {
            if (_authenticity.IsAuthentic(own, null, read.Id, read.StateName))
            {
                // Valid only while the data key is gone and a shred of this grain is on record (or under way).
                if (read.Key is not null)
                {
                    throw Refuse(read, "it is stored as a tombstone while its data key exists");
                }

                if ((await ledger.GetReceiptAsync(tombstone.ReceiptId))?.GrainId != read.Id && !await replica.ShredPendingAsync(read.Scope, read.Id))
                {
                    throw Refuse(read, "its tombstone names a shred receipt the ledger does not hold");
                }

                return new ErasureRecord(tombstone.At, tombstone.ReceiptId, "", "");
            }

            found = "its tombstone has no valid MAC (forged or altered)";
        }
        else if (read.Own is not null)
        {
            found = "its stored envelope has a blank ciphertext";
        }

        if (read.Own is not null)
        {
            Alert(read, found);
            grainState.ETag = ReplicatedGrainStorage.Unversioned(grainState.ETag); // its stamp counts for nothing
        }

        var theirs = read.Pair.Envelope;
        if (read.Key is null && await ledger.FindTombstoneAsync(read.Id) is { } gone)
        {
            return new ErasureRecord(gone.At, gone.ReceiptId, "", ""); // a grain a restore left out because it was erased
        }

        CompareWithRecord(read, null, found);
        if (read.Key is null)
        {
            // No key and no state: a new grain.
            if (theirs is not null && theirs.Writer == fence.Region && (theirs.Erased is null || Authentic(read, theirs)))
            {
                throw Refuse(read, $"{found} and its data key is gone, while {fence.Pair} holds a copy written here ({theirs.Stamp})");
            }

            return null;
        }

        // A data key but no state: a reset, unless the pair agrees there is nothing (a first write that stopped between
        // creating the key and storing the state; the key is used again) or only holds what an earlier writer never copied here.
        if (!read.Pair.Read)
        {
            // The pair cannot be asked. A key created moments ago is a first write that stopped (as when a region is lost
            // mid-write and its pair takes over); an older one without its state is refused until the pair can be asked.
            var created = (await keys.FindRowAsync(read.Id))?.Timestamp;
            if (created is { } at && DateTimeOffset.UtcNow - at < UnverifiedFirstWrite)
            {
                StorageLog.FirstWriteUnverified(logger, read.Id, read.StateName);
                return null;
            }

            throw new RegionFencedException(
                $"The state '{read.StateName}' of grain {read.Id} has a data key but no readable copy here, and {fence.Pair} cannot be asked whether it was reset; try again once it answers.");
        }

        if (theirs is not null && theirs.Writer == fence.Region && Authentic(read, theirs))
        {
            throw Refuse(read, $"{found} while its data key exists and {fence.Pair} holds a copy written here ({theirs.Stamp})");
        }

        return null;
    }

    /// <summary>
    /// Compares an activation's authentic copy with the pair's (read alongside it): a pair copy that is a later write
    /// made in this region means this copy was rolled back; a pair copy that is older than crash or backlog explain,
    /// or that fails its check, means the pair's was (this copy is served, the next write repairs the pair's).
    /// </summary>
    private async Task CompareWithPairAsync(StateRead read, EncryptedEnvelope own)
    {
        if (!read.Pair.Read || !CompareWithPair)
        {
            return; // the pair is unreachable: compared on a later activation
        }

        if (read.Pair.Envelope is not { } theirs)
        {
            if (own.Writer == fence.Region && own.Version > 1 && !await replica.BackloggedAsync(read.Scope, read.StateName, read.GrainId))
            {
                Alert(read, $"the copy in {fence.Pair} is missing (this region's is {own.Stamp})");
            }

            return;
        }

        if (!Authentic(read, theirs))
        {
            Alert(read, $"the copy in {fence.Pair} fails its integrity check");
            return;
        }

        if (theirs.Stamp.IsNewerThan(own.Stamp))
        {
            if (theirs.Writer == fence.Region)
            {
                throw Refuse(read, $"it was rolled back: this copy is {own.Stamp}, while {fence.Pair} holds a later write made here ({theirs.Stamp})");
            }

            return; // a write of the earlier writer that never reached this region before the writer changed
        }

        if (own.Stamp.IsNewerThan(theirs.Stamp) && own.Version != theirs.Version + 1
            && !await replica.BackloggedAsync(read.Scope, read.StateName, read.GrainId))
        {
            Alert(read, $"the copy in {fence.Pair} is older ({theirs.Stamp}) than this region's ({own.Stamp}) and not in the backlog: it was rolled back");
        }
    }

    /// <summary>
    /// Compares a copy's stamp (null: no readable copy, <paramref name="found"/> says why) with the version record, when
    /// one is kept: a later write recorded as made here means this copy was rolled back or reset.
    /// </summary>
    private void CompareWithRecord(StateRead read, EnvelopeStamp? stamp, string found = "")
    {
        if (read.Recorded is not { } recorded)
        {
            return;
        }

        if (!recorded.Authentic)
        {
            Alert(read, "its version record fails its MAC");
            return;
        }

        if (recorded.Stamp.Writer == fence.Region && (stamp is null || recorded.Stamp.IsNewerThan(stamp.Value)))
        {
            throw Refuse(read, stamp is null
                ? $"{found} while the version record holds a write made here ({recorded.Stamp})"
                : $"it was rolled back: this copy is {stamp}, while the version record holds a later write made here ({recorded.Stamp})");
        }
    }

    private bool Authentic(StateRead read, EncryptedEnvelope theirs) => _authenticity.IsAuthentic(theirs, read.Key, read.Id, read.StateName);

    /// <summary>Raises the security alert for a finding and returns the DATA_LOSS refusal of the read; nothing stored is changed.</summary>
    private StoredStateIntegrityException Refuse(StateRead read, string finding)
    {
        StorageLog.IntegrityFailure(logger, read.Id, read.StateName);
        Alert(read, finding);
        return new StoredStateIntegrityException(
            $"The stored state '{read.StateName}' of grain {read.Id} in region {fence.Region} was refused: {finding}. Nothing was read and the stored copies are unchanged; "
            + "`custodian regions resync` repairs it where the other region holds an authentic newer copy.", finding);
    }

    /// <summary>Logs a finding and raises <c>state-integrity</c> for it (once per grain, state and finding in this silo's life).</summary>
    private void Alert(StateRead read, string finding)
    {
        StorageLog.IntegrityFinding(logger, read.Id, read.StateName, finding);
        alerts.Raise(SecurityRuleNames.StateIntegrity, $"state '{read.StateName}' of grain {read.Id}: {finding}");
    }

    /// <summary>One read under check: the grain, its scope, the copies found and the grain's data key (null: none).</summary>
    private sealed record StateRead(
        string Id, string StateName, PlacementScope Scope, GrainId GrainId, EncryptedEnvelope? Own, PairCopy Pair, DataKey? Key, (EnvelopeStamp Stamp, bool Authentic)? Recorded);

    private static void Reset<T>(IGrainState<T> grainState, ErasureRecord? erasure)
    {
        var fresh = Activator.CreateInstance<T>();
        if (erasure is not null && fresh is IErasableState erasable)
        {
            erasable.Erasure = erasure;
        }

        grainState.State = fresh;
        grainState.RecordExists = false;
    }
}
