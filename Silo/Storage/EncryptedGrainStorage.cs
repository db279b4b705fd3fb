using System.Security.Cryptography;
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
    string stateTable,
    Serializer serializer,
    IGrainContextAccessor activations,
    HeldDataKeys held,
    RegionFence fence,
    PairReplica replica,
    IOptions<ClusterOptions> cluster,
    ILogger<EncryptedGrainStorage> logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = new GrainState<EncryptedEnvelope>();
        await inner.ReadStateAsync(stateName, grainId, stored);
        grainState.ETag = stored.ETag;
        var id = grainId.ToString();
        if (!stored.RecordExists || stored.State is not { } envelope || (envelope.Erased is null && envelope.Ciphertext.Length == 0))
        {
            // No state: a new grain, or one whose envelope a restore left out because it was erased.
            Reset(grainState, await ledger.FindTombstoneAsync(id) is { } gone ? new ErasureRecord(gone.At, gone.ReceiptId, "", "") : null);
            return;
        }

        if (envelope.Erased is { } tombstone)
        {
            Reset(grainState, new ErasureRecord(tombstone.At, tombstone.ReceiptId, "", ""));
            return;
        }

        var holder = ActivationDataKey.Of(activations, held, grainId);
        var key = holder?.Key ?? await keys.FindAsync(id);
        if (key is null)
        {
            // A copy from before the shred (a backup, a replica): its key is gone, so it is erased.
            StorageLog.StateErased(logger, id, stateName);
            var known = await ledger.FindTombstoneAsync(id);
            Reset(grainState, new ErasureRecord(known?.At ?? DateTimeOffset.UnixEpoch, known?.ReceiptId ?? "", "", "data key destroyed"));
            return;
        }

        byte[] plaintext;
        try
        {
            plaintext = EnvelopeCipher.Open(envelope, key, _serviceId, id, stateName);
        }
        catch (CryptographicException e)
        {
            StorageLog.IntegrityFailure(logger, id, stateName);
            throw new StoredStateIntegrityException(
                $"The stored state '{stateName}' of grain {id} failed its integrity check; nothing was read and the stored copy is unchanged.", e);
        }

        try
        {
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
        await fence.AuthorizeAsync(scope);
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
            envelope = EnvelopeCipher.Seal(plaintext, key, _serviceId, id, stateName);
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
        await fence.AuthorizeAsync(scope);
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
        var tombstone = new EncryptedEnvelope
        {
            Format = EnvelopeCipher.FormatVersion,
            Grain = id,
            Erased = new ErasedMarker { At = erasure.ErasedAt, ReceiptId = erasure.ReceiptId },
        };
        await WriteEnvelopeAsync(stateName, grainId, grainState, tombstone);
        var receipt = new ShredReceipt(erasure.ReceiptId, id, keyId, erasure.ErasedAt, erasure.Actor, erasure.Reason,
        [
            .. ShredLedger.StoresCleared(fence.Region, keys.TableName, stateTable),
            .. pairCleared ? ShredLedger.StoresCleared(fence.Pair, keys.TableName, stateTable) : [ShredLedger.Pending(fence.Pair, DateTimeOffset.UtcNow)],
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
        });

    private async Task WriteEnvelopeAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, EncryptedEnvelope envelope)
    {
        var stored = new GrainState<EncryptedEnvelope>(envelope, grainState.ETag) { RecordExists = grainState.RecordExists };
        await inner.WriteStateAsync(stateName, grainId, stored);
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

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
