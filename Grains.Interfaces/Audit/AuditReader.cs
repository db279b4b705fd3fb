using System.Collections.Immutable;
using Custodian.Access;

namespace Custodian.Audit;

/// <summary>
/// The one reader of a region's audit trail, over all its partitions: verification, queries merged by time
/// with a page token holding each partition's position, every matching entry, and a data subject's own
/// access log. The Audit service, the subject export and the tests read through it.
/// </summary>
public sealed class AuditReader(IGrainFactory grains, string region, int partitions)
{
    private readonly string[] _names = [.. Enumerable.Range(0, Math.Max(1, partitions)).Select(n => AuditPartitions.Name(region, n))];

    /// <summary>Most entries an access log carries; the newest are kept when there are more.</summary>
    public const int MaxAccessLogEntries = 10_000;

    /// <summary>What an entry of a client application stored before purposes were recorded was allowed for.</summary>
    private const string OwnProcessing = "the customer's own processing";

    /// <summary>How many partitions the trail has.</summary>
    public int Partitions => _names.Length;

    /// <summary>The key of partition <paramref name="n"/>.</summary>
    public string PartitionName(int n) => _names[n];

    /// <summary>
    /// Recomputes the chain of one partition, or of every partition when <paramref name="partition"/> is null,
    /// over the entries in [<paramref name="from"/>, <paramref name="until"/>) (either bound optional).
    /// </summary>
    public async Task<AuditVerification[]> VerifyAsync(int? partition = null, DateTimeOffset? from = null, DateTimeOffset? until = null)
    {
        var numbers = partition is { } n ? [n] : Enumerable.Range(0, Partitions);
        return await Task.WhenAll(numbers.Select(n => Partition(n).VerifyAsync(from, until)));
    }

    /// <summary>
    /// A signed checkpoint of every partition's head, each also stored in the pair region (see
    /// <see cref="IAuditPartitionGrain.CheckpointAsync"/>): those of the partitions that answered and hold entries, and how
    /// many partitions could not give one (their stored head was refused, or their silo did not answer).
    /// </summary>
    public async Task<(ImmutableArray<AuditCheckpoint> Checkpoints, int Failed)> CheckpointsAsync()
    {
        var taken = await Task.WhenAll(Enumerable.Range(0, Partitions).Select(async n =>
        {
            try
            {
                return (Checkpoint: await Partition(n).CheckpointAsync(), Failed: false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return (Checkpoint: null, Failed: true);
            }
        }));

        return ([.. taken.Select(t => t.Checkpoint).OfType<AuditCheckpoint>()], taken.Count(t => t.Failed));
    }

    /// <summary>The positions of <paramref name="pageToken"/> (a new query's when empty), or null when it is not a token of this trail.</summary>
    public long[]? Positions(string pageToken) =>
        pageToken.Length == 0 ? new long[Partitions] : AuditPageToken.Decode(pageToken, Partitions);

    /// <summary>
    /// At most <paramref name="pageSize"/> entries matching <paramref name="query"/> after <paramref name="positions"/>
    /// (see <see cref="Positions"/>), oldest first across partitions, and the token of the next page (empty at the end).
    /// Each partition's position says exactly what was returned: no entry is skipped or returned twice.
    /// </summary>
    public async Task<AuditTrailPage> QueryAsync(AuditQuery query, long[] positions, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(positions.Length, Partitions, nameof(positions));
        var pages = await Task.WhenAll(positions.Select((after, n) => Partition(n).QueryAsync(query, after, pageSize)));
        var next = (long[])positions.Clone();
        var entries = ImmutableArray.CreateBuilder<PartitionedEntry>(pageSize);
        var taken = new int[pages.Length];
        while (entries.Count < pageSize && Oldest(pages, taken) is { } n)
        {
            var entry = pages[n].Entries[taken[n]++];
            next[n] = entry.Sequence;
            entries.Add(new PartitionedEntry(PartitionName(n), entry));
        }

        var more = pages.Select((page, n) => page.More || taken[n] < page.Entries.Length).Any(m => m);
        return new AuditTrailPage(entries.ToImmutable(), more ? AuditPageToken.Encode(next) : "");
    }

    /// <summary>Every entry matching <paramref name="query"/>, oldest first across partitions (ties in sequence order).</summary>
    public async Task<List<PartitionedEntry>> ReadAllAsync(AuditQuery query)
    {
        var found = await Task.WhenAll(Enumerable.Range(0, Partitions).Select(async n =>
        {
            var partition = Partition(n);
            var entries = new List<PartitionedEntry>();
            for (long after = 0; ;)
            {
                var page = await partition.QueryAsync(query, after, AuditPartitionLimits.MaxPage);
                entries.AddRange(page.Entries.Select(e => new PartitionedEntry(PartitionName(n), e)));
                if (!page.More || page.Entries.IsEmpty)
                {
                    return entries;
                }

                after = page.Entries[^1].Sequence;
            }
        }));

        return [.. found.SelectMany(e => e).OrderBy(e => e.Entry.Record.At).ThenBy(e => e.Entry.Sequence)];
    }

    /// <summary>
    /// A subject's own access log (Art. 15): every entry whose target is <paramref name="subjectTarget"/> (the subject's
    /// keyed hash), oldest first, the newest <see cref="MaxAccessLogEntries"/> when there are more, each with the purpose
    /// it was allowed for. Each partition finds the entries through its subject index, so a log costs what the subject's
    /// own entries cost, not what the trail holds.
    /// </summary>
    public async Task<ImmutableArray<AccessLogEntry>> AccessLogAsync(string subjectTarget)
    {
        var ordered = await ReadAllAsync(new AuditQuery(Target: subjectTarget));
        if (ordered.Count > MaxAccessLogEntries)
        {
            ordered = ordered[^MaxAccessLogEntries..];
        }

        // An entry records the purpose it was allowed for; only entries stored before purposes were
        // recorded need the grant's, looked up once per grant.
        var records = ordered.Select(e => e.Entry.Record).ToList();
        var purposes = await GrantPurposesAsync(records.Where(r => !HasPurpose(r)).Select(r => r.GrantId));
        return [.. records.Select(r => new AccessLogEntry(r.At, r.Actor, r.Action, r.Outcome, r.GrantId, PurposeOf(r, purposes)))];
    }

    /// <summary>The partition whose next entry is the oldest (ties to the lower partition), or null when all are used up.</summary>
    private static int? Oldest(AuditPage[] pages, int[] taken)
    {
        int? oldest = null;
        for (var n = 0; n < pages.Length; n++)
        {
            if (taken[n] < pages[n].Entries.Length
                && (oldest is not { } o || pages[n].Entries[taken[n]].Record.At < pages[o].Entries[taken[o]].Record.At))
            {
                oldest = n;
            }
        }

        return oldest;
    }

    private static bool HasPurpose(AuditRecord record) => record.Purpose is { Length: > 0 };

    private static string PurposeOf(AuditRecord record, Dictionary<string, string> grantPurposes) =>
        HasPurpose(record) ? record.Purpose
        : grantPurposes.GetValueOrDefault(record.GrantId, record.GrantId.StartsWith("role:", StringComparison.Ordinal) ? OwnProcessing : "");

    /// <summary>The purpose of each grant that appears, looked up once per grant.</summary>
    private async Task<Dictionary<string, string>> GrantPurposesAsync(IEnumerable<string> grantIds)
    {
        var ids = grantIds.Where(g => g.Length > 0 && !g.StartsWith("role:", StringComparison.Ordinal)).Distinct().ToList();
        var found = await Task.WhenAll(ids.Select(id => grains.GetGrain<IAccessGrantGrain>(id).GetAsync()));
        return ids.Zip(found).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!.Request.Purpose);
    }

    private IAuditPartitionGrain Partition(int n) => grains.GetGrain<IAuditPartitionGrain>(PartitionName(n));
}
