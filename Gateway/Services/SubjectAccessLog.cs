using Custodian.Access;
using Custodian.Audit;

namespace Custodian.Gateway.Services;

/// <summary>
/// A subject's own access log (Art. 15), read from the region's audit trail: every entry whose target is
/// the subject's keyed hash, from all partitions, oldest first, with the purpose the access was allowed
/// for. Each partition finds the entries through its subject index, so a log costs what the subject's own
/// entries cost, not what the trail holds. The trail never names the subject in clear; only the gateway,
/// which holds the key, can find the subject's entries.
/// </summary>
internal static class SubjectAccessLog
{
    /// <summary>Most entries an export carries; the newest are kept when there are more.</summary>
    public const int MaxEntries = 10_000;

    private const int PageSize = AuditPartitionLimits.MaxPage;

    /// <summary>What an entry of a client application stored before purposes were recorded was allowed for.</summary>
    private const string OwnProcessing = "the customer's own processing";

    /// <summary>One entry of the log: who did what to the subject's data, when, under which grant and purpose.</summary>
    public sealed record Entry(DateTimeOffset At, string Actor, string Action, string Outcome, string AllowedBy, string Purpose);

    public static async Task<List<Entry>> ReadAsync(IClusterClient cluster, string region, int partitions, string subjectTarget)
    {
        var query = new AuditQuery(Target: subjectTarget);
        var found = await Task.WhenAll(Enumerable.Range(0, partitions).Select(async n =>
        {
            var partition = cluster.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(region, n));
            var entries = new List<AuditEntry>();
            for (long after = 0; ;)
            {
                var page = await partition.QueryAsync(query, after, PageSize);
                entries.AddRange(page.Entries);
                if (!page.More || page.Entries.IsEmpty)
                {
                    return entries;
                }

                after = page.Entries[^1].Sequence;
            }
        }));

        var ordered = found.SelectMany(e => e).OrderBy(e => e.Record.At).ThenBy(e => e.Sequence).ToList();
        if (ordered.Count > MaxEntries)
        {
            ordered = ordered[^MaxEntries..];
        }

        // An entry records the purpose it was allowed for; only entries stored before purposes were
        // recorded need the grant's, looked up once per grant.
        var purposes = await GrantPurposesAsync(cluster, ordered.Where(e => !HasPurpose(e.Record)).Select(e => e.Record.GrantId));
        return [.. ordered.Select(e => new Entry(e.Record.At, e.Record.Actor, e.Record.Action, e.Record.Outcome, e.Record.GrantId, PurposeOf(e.Record, purposes)))];
    }

    private static bool HasPurpose(AuditRecord record) => record.Purpose is { Length: > 0 };

    private static string PurposeOf(AuditRecord record, Dictionary<string, string> grantPurposes) =>
        HasPurpose(record) ? record.Purpose
        : grantPurposes.GetValueOrDefault(record.GrantId, record.GrantId.StartsWith("role:", StringComparison.Ordinal) ? OwnProcessing : "");

    /// <summary>The purpose of each grant that appears, looked up once per grant.</summary>
    private static async Task<Dictionary<string, string>> GrantPurposesAsync(IClusterClient cluster, IEnumerable<string> grantIds)
    {
        var ids = grantIds.Where(g => g.Length > 0 && !g.StartsWith("role:", StringComparison.Ordinal)).Distinct().ToList();
        var grants = await Task.WhenAll(ids.Select(id => cluster.GetGrain<IAccessGrantGrain>(id).GetAsync()));
        return ids.Zip(grants).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!.Request.Purpose);
    }
}
