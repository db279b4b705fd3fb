using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Custodian.Audit;
using Custodian.Backups;
using Custodian.Hosting;
using Custodian.Silo.Audit;
using Custodian.Silo.Storage;

namespace Custodian.Silo.Backups;

/// <summary>
/// Backups of the region's <c>secure</c> storage to a blob container: every encrypted envelope as it
/// is stored (never a key, never plaintext), the tombstone list and signed checkpoints of the audit trail's
/// partitions, each file with its SHA-256 in a manifest written last and signed (a MAC under the audit integrity
/// key, which the backup's storage does not hold). A restore checks the manifest's signature and every file
/// against it, and parses every file, before it writes anything; then it rebuilds an empty account: it leaves out every
/// grain that is tombstoned or whose data key no longer exists, and copies the surviving grains'
/// wrapped data keys and the tombstone list, so erased subjects stay erased. Shreds may land while it
/// runs: a row whose data key is gone (a shred destroys it first) is left out, and a grain copied before its shred
/// is taken out of the target again (key first) once every row is in. The checkpoints go into the target's checkpoint
/// table, where the restored deployment's verification reads them. A failure is classified for the
/// job (<see cref="Classify"/>) as a stable <see cref="BackupFailure"/>; the SDK's text stays in the error log.
/// </summary>
internal sealed class BackupVault(
    BlobContainerClient container,
    TableClient states,
    DataKeyStore dataKeys,
    ShredLedger ledger,
    AuditKeys keys,
    SecureStorageOptions storage,
    BackupStorageOptions options,
    string region,
    TimeProvider timeProvider) : IBackupVault
{
    private const string StatesFile = "states.jsonl";
    private const string TombstonesFile = "tombstones.jsonl";
    private const string CheckpointsFile = "checkpoints.jsonl";
    private const string ManifestFile = "manifest.json";

    // What a manifest's MAC is computed for (AuditKeys.Authenticate), so no other authenticated fact passes for one.
    private const string ManifestPurpose = "backup-manifest";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<BackupManifest> CreateBackupAsync(IReadOnlyList<AuditCheckpoint> checkpoints, IProgress<long> progress, CancellationToken cancellationToken)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var startedAt = timeProvider.GetUtcNow();
        var id = $"{region}-{startedAt:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";

        long stateCount = 0;
        var statesDigest = await WriteLinesAsync($"{id}/{StatesFile}", async write =>
        {
            await foreach (var row in states.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
            {
                var line = new JsonObject { ["pk"] = row.PartitionKey, ["rk"] = row.RowKey };
                foreach (var (name, value) in row)
                {
                    if (value is byte[] bytes)
                    {
                        line[name] = Convert.ToBase64String(bytes);
                    }
                }

                await write(line);
                progress.Report(++stateCount);
            }
        }, cancellationToken);

        long tombstoneCount = 0;
        var tombstonesDigest = await WriteLinesAsync($"{id}/{TombstonesFile}", async write =>
        {
            await foreach (var (grainId, at, receiptId) in ledger.TombstonesAsync())
            {
                await write(new JsonObject { ["grain"] = grainId, ["at"] = at, ["receiptId"] = receiptId });
                tombstoneCount++;
            }
        }, cancellationToken);

        var checkpointsDigest = await WriteLinesAsync($"{id}/{CheckpointsFile}", async write =>
        {
            foreach (var checkpoint in checkpoints)
            {
                await write(JsonSerializer.SerializeToNode(checkpoint, Json)!.AsObject());
            }
        }, cancellationToken);

        var manifest = new BackupManifest(id, region, startedAt, timeProvider.GetUtcNow(), stateCount, tombstoneCount, statesDigest, tombstonesDigest,
            BackupManifest.CurrentFormat, checkpoints.Count, checkpointsDigest);
        manifest = manifest with { Mac = keys.Authenticate(ManifestPurpose, ManifestFields(manifest)) };
        await container.GetBlobClient($"{id}/{ManifestFile}").UploadAsync(BinaryData.FromObjectAsJson(manifest, Json), cancellationToken);
        return manifest;
    }

    public async Task<IReadOnlyList<BackupManifest>> ListBackupsAsync(CancellationToken cancellationToken)
    {
        var manifests = new List<BackupManifest>();
        if (!await container.ExistsAsync(cancellationToken))
        {
            return manifests;
        }

        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (blob.Name.EndsWith("/" + ManifestFile, StringComparison.Ordinal))
            {
                var content = await container.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken);
                manifests.Add(content.Value.Content.ToObjectFromJson<BackupManifest>(Json)!);
            }
        }

        return [.. manifests.OrderByDescending(m => m.StartedAt)];
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        if (!await container.ExistsAsync(cancellationToken))
        {
            return 0;
        }

        // Complete backups by their manifest's start; folders without a manifest (a backup that
        // died half-way) by their files' age.
        var expired = (await ListBackupsAsync(cancellationToken)).Where(m => m.StartedAt < cutoff).Select(m => m.BackupId).ToHashSet();
        var complete = new HashSet<string>();
        var orphans = new HashSet<string>();
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            var id = blob.Name[..blob.Name.IndexOf('/')];
            if (blob.Name.EndsWith("/" + ManifestFile, StringComparison.Ordinal))
            {
                complete.Add(id);
            }
            else if (blob.Properties.CreatedOn < cutoff)
            {
                orphans.Add(id);
            }
        }

        expired.UnionWith(orphans.Except(complete));
        foreach (var id in expired)
        {
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, id + "/", cancellationToken))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            }
        }

        return expired.Count;
    }

    public async Task<RestoreSummary> RestoreAsync(string backupId, string target, IProgress<long> progress, CancellationToken cancellationToken)
    {
        if (!options.RestoreTargets.TryGetValue(target, out var targetConnection))
        {
            throw new BackupFailureException(BackupFailure.TargetUnknown);
        }

        var manifest = (await ListBackupsAsync(cancellationToken)).FirstOrDefault(m => m.BackupId == backupId)
            ?? throw new BackupFailureException(BackupFailure.BackupNotFound);

        // Everything is checked and parsed before anything is written: a damaged backup leaves the target as it was.
        var backup = await ReadBackupAsync(manifest, cancellationToken);

        var targetTables = new TableServiceClient(targetConnection);
        var targetStates = targetTables.GetTableClient(storage.StateTable);
        var targetKeys = targetTables.GetTableClient(storage.KeyTable);
        var targetTombstones = targetTables.GetTableClient(storage.TombstoneTable);
        var targetCheckpoints = targetTables.GetTableClient(AuditCheckpointRows.Table);
        await RequireEmptyAsync(targetStates, cancellationToken);
        await targetStates.CreateIfNotExistsAsync(cancellationToken);
        await targetKeys.CreateIfNotExistsAsync(cancellationToken);
        await targetTombstones.CreateIfNotExistsAsync(cancellationToken);

        // The backup's tombstones stay erased, and so does every grain shredded since. A shred destroys the data key
        // first, so a row whose key is gone by the time it is reached is left out; once all rows are in, the ledger
        // and the keys are read once more, for shreds that landed after a row was copied. Only the copied rows'
        // coordinates are kept for that, not the rows.
        var tombstones = backup.Tombstones;
        var restored = new Dictionary<string, (string KeyPartition, string KeyRow, string StatePartition, string StateRow)>(StringComparer.Ordinal);
        long leftOut = 0, handled = 0;
        foreach (var (entity, grainId) in backup.States)
        {
            var key = tombstones.ContainsKey(grainId) ? null : await dataKeys.FindRowAsync(grainId);
            if (key is null)
            {
                leftOut++;
            }
            else
            {
                await targetKeys.UpsertEntityAsync(key, TableUpdateMode.Replace, cancellationToken);
                await targetStates.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
                restored[grainId] = (key.PartitionKey, key.RowKey, entity.PartitionKey, entity.RowKey);
            }

            progress.Report(++handled);
        }

        // A grain restored before it was shredded is taken out again: every tombstone recorded by now, and every
        // data key destroyed by now (a shred destroys the key first, its tombstone follows), counts.
        await foreach (var (grainId, at, receiptId) in ledger.TombstonesAsync())
        {
            tombstones[grainId] = (at, receiptId);
        }

        var keyed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var grainId in dataKeys.GrainIdsAsync())
        {
            keyed.Add(grainId);
        }

        foreach (var (grainId, rows) in restored.Where(r => tombstones.ContainsKey(r.Key) || !keyed.Contains(r.Key)).ToList())
        {
            // The key first: once it is gone from the target, the copied envelope is unreadable even if what follows fails.
            await targetKeys.DeleteEntityAsync(rows.KeyPartition, rows.KeyRow, ETag.All, cancellationToken);
            await targetStates.DeleteEntityAsync(rows.StatePartition, rows.StateRow, ETag.All, cancellationToken);
            restored.Remove(grainId);
            leftOut++;
        }

        foreach (var (grainId, (at, receiptId)) in tombstones)
        {
            await targetTombstones.UpsertEntityAsync(ledger.Tombstone(grainId, at, receiptId), TableUpdateMode.Replace, cancellationToken);
        }

        // The trail's checkpoints come along: a deployment on the restored account verifies its trail against them.
        if (backup.Checkpoints.Count > 0)
        {
            await targetCheckpoints.CreateIfNotExistsAsync(cancellationToken);
            foreach (var checkpoint in backup.Checkpoints)
            {
                await targetCheckpoints.UpsertEntityAsync(AuditCheckpointRows.ToEntity(checkpoint), TableUpdateMode.Replace, cancellationToken);
            }
        }

        return new RestoreSummary(backupId, target, restored.Count, leftOut, restored.Count, tombstones.Count, backup.Checkpoints.Count);
    }

    /// <summary>A backup's content, checked against its signed manifest and parsed.</summary>
    private sealed record BackupContent(
        List<(TableEntity Entity, string GrainId)> States,
        Dictionary<string, (DateTimeOffset At, string ReceiptId)> Tombstones,
        List<AuditCheckpoint> Checkpoints);

    /// <summary>
    /// Reads a backup for a restore: the manifest's MAC, each file's SHA-256 and count against the manifest, every line
    /// parsed, every checkpoint's own MAC. Any failure is a damaged backup naming the file and what is wrong with it.
    /// </summary>
    private async Task<BackupContent> ReadBackupAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.Format < BackupManifest.CurrentFormat)
        {
            throw BackupFailureException.Damaged($"{ManifestFile} is of format {manifest.Format}, made before backups were signed; take a new backup.");
        }

        if (!keys.IsAuthentic(manifest.Mac, ManifestPurpose, ManifestFields(manifest)))
        {
            throw BackupFailureException.Damaged($"{ManifestFile} fails its signature (it was altered, or signed with another audit key).");
        }

        var id = manifest.BackupId;
        var statesLines = await ReadVerifiedAsync(id, StatesFile, manifest.StatesSha256, manifest.StateCount, cancellationToken);
        var tombstoneLines = await ReadVerifiedAsync(id, TombstonesFile, manifest.TombstonesSha256, manifest.TombstoneCount, cancellationToken);
        var checkpointLines = await ReadVerifiedAsync(id, CheckpointsFile, manifest.CheckpointsSha256, manifest.CheckpointCount, cancellationToken);

        var states = Parse(StatesFile, statesLines, line =>
        {
            var row = JsonNode.Parse(line)!.AsObject();
            var entity = new TableEntity(row["pk"]!.GetValue<string>(), row["rk"]!.GetValue<string>());
            foreach (var (name, value) in row.Where(p => p.Key is not ("pk" or "rk")))
            {
                entity[name] = Convert.FromBase64String(value!.GetValue<string>());
            }

            return (entity, GrainOf(entity));
        });
        var tombstones = Parse(TombstonesFile, tombstoneLines, line => JsonNode.Parse(line)!).ToDictionary(
            t => t["grain"]!.GetValue<string>(), t => (At: t["at"]!.GetValue<DateTimeOffset>(), ReceiptId: t["receiptId"]!.GetValue<string>()));
        var checkpoints = Parse(CheckpointsFile, checkpointLines, line => JsonSerializer.Deserialize<AuditCheckpoint>(line, Json)!);
        if (checkpoints.FirstOrDefault(c => !AuditCheckpointRows.IsAuthentic(keys, c)) is { } forged)
        {
            throw BackupFailureException.Damaged($"{CheckpointsFile} holds a checkpoint of partition {forged.Partition} that fails its MAC.");
        }

        return new BackupContent(states, tombstones, checkpoints);
    }

    /// <summary>Each line of a backup file parsed; a line that does not parse is a damaged backup naming the file and line.</summary>
    private static List<T> Parse<T>(string file, List<string> lines, Func<string, T> parse)
    {
        var parsed = new List<T>(lines.Count);
        for (var n = 0; n < lines.Count; n++)
        {
            try
            {
                parsed.Add(parse(lines[n]));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException or ArgumentException)
            {
                throw BackupFailureException.Damaged(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{file} cannot be read at line {n + 1}."));
            }
        }

        return parsed;
    }

    /// <summary>The fields a manifest's MAC covers: every field but the MAC, in order.</summary>
    private static string[] ManifestFields(BackupManifest m)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return
        [
            m.BackupId, m.Region, m.StartedAt.UtcTicks.ToString(invariant), m.CompletedAt.UtcTicks.ToString(invariant),
            m.StateCount.ToString(invariant), m.TombstoneCount.ToString(invariant), m.StatesSha256, m.TombstonesSha256,
            m.Format.ToString(invariant), m.CheckpointCount.ToString(invariant), m.CheckpointsSha256,
        ];
    }

    public BackupFailureReport Classify(Exception exception)
    {
        // A stop of ours carries its sentence (for a damaged backup, what was found); anything else gets its failure's.
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BackupFailureException stopped)
            {
                return new BackupFailureReport(stopped.Failure, stopped.Message);
            }
        }

        var failure = Classified(exception);
        return new BackupFailureReport(failure, failure.Message());
    }

    private static BackupFailure Classified(Exception exception) => exception switch
    {
        BackupFailureException stopped => stopped.Failure,
        AggregateException { InnerExceptions: var inner } => inner.Select(Classified).FirstOrDefault(f => f != BackupFailure.Unknown, BackupFailure.Unknown),
        RequestFailedException { Status: 401 or 403 } => BackupFailure.Forbidden,
        RequestFailedException { Status: 404, ErrorCode: "ContainerNotFound" or "TableNotFound" } => BackupFailure.ContainerMissing,
        RequestFailedException { Status: 404, ErrorCode: "BlobNotFound" } => BackupFailure.BackupDamaged,
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => BackupFailure.StorageUnavailable,
        HttpRequestException or System.Net.Sockets.SocketException or IOException or TimeoutException or OperationCanceledException => BackupFailure.StorageUnavailable,
        JsonException or FormatException => BackupFailure.BackupDamaged, // a backup file that does not parse
        { InnerException: { } inner } => Classified(inner),
        _ => BackupFailure.Unknown,
    };

    /// <summary>The grain an envelope row belongs to, from the envelope's own header.</summary>
    private static string GrainOf(TableEntity entity)
    {
        var data = entity.GetBinary("Data") ?? throw new FormatException("a row without data");
        return JsonNode.Parse(data)?["grain"]?.GetValue<string>() is { Length: > 0 } grain
            ? grain
            : throw new FormatException("an envelope that names no grain");
    }

    private async Task<string> WriteLinesAsync(string blobName, Func<Func<JsonObject, Task>, Task> produce, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var stream = await container.GetBlobClient(blobName).OpenWriteAsync(overwrite: true, cancellationToken: cancellationToken))
        {
            await produce(async line =>
            {
                var bytes = Encoding.UTF8.GetBytes(line.ToJsonString() + "\n");
                hash.AppendData(bytes);
                await stream.WriteAsync(bytes, cancellationToken);
            });
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>The lines of a backup file, once its SHA-256 and its count of lines match the manifest's.</summary>
    private async Task<List<string>> ReadVerifiedAsync(string backupId, string file, string expectedSha256, long expectedLines, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = (await container.GetBlobClient($"{backupId}/{file}").DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == "BlobNotFound")
        {
            throw BackupFailureException.Damaged($"{file} is missing.");
        }

        if (Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant() != expectedSha256)
        {
            throw BackupFailureException.Damaged($"{file} does not match the SHA-256 its manifest records (it was altered).");
        }

        List<string> lines = [.. Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        return lines.Count == expectedLines
            ? lines
            : throw BackupFailureException.Damaged(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{file} holds {lines.Count} lines, its manifest {expectedLines}."));
    }

    private static async Task RequireEmptyAsync(TableClient table, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken))
            {
                throw new BackupFailureException(BackupFailure.TargetNotEmpty);
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No table yet: empty.
        }
    }
}
