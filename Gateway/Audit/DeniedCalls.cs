using Custodian.Audit;
using Custodian.Gateway.Security;
using Custodian.Hosting;

namespace Custodian.Gateway.Audit;

/// <summary>
/// The one way the gateway records a refused call (no valid token, a role it lacks, no grant, a
/// suspension): every denial counts for the security-report rules at once, and goes to the trail as
/// the <see cref="DenialLedger"/> says — the first of its kind per source and minute written before
/// the caller is answered, the rest as one entry with their count when the minute ends, and a source
/// over its rate of denials answered RESOURCE_EXHAUSTED without waiting on the trail. A denial goes to the trail
/// of the region that serves the call (<see cref="RegionalAuditTrail"/>), and so does its kind's count.
/// </summary>
public sealed class DeniedCalls(RegionalAuditTrail trail, ActivityMonitor monitor, DenialLedger ledger) : BackgroundService
{
    /// <summary>
    /// Accounts for the denial; returns how it was recorded (for <see cref="DenialVerdict.Throttled"/>, with
    /// the wait to tell the caller). Throws when the trail cannot store a denial that had to be written:
    /// the caller answers UNAVAILABLE.
    /// </summary>
    public async Task<(DenialVerdict Verdict, TimeSpan RetryAfter)> RecordAsync(AuditRecord record)
    {
        monitor.Observe(record);
        var region = trail.RegionOfCurrentCall;
        var denial = new Denial(record.SourceIp, record.Actor, record.Action, record.Target, record.Outcome) { Region = region };
        var answer = ledger.Admit(denial);
        if (answer.Verdict == DenialVerdict.Record)
        {
            try
            {
                await trail.WriteAsync(region, [record]);
            }
            catch
            {
                ledger.Unwritten(denial);
                throw;
            }
        }

        return answer;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => ledger.RunAsync(WriteSummaryAsync, stoppingToken);

    /// <summary>A window's count, written without counting it for the rules again (each denial was, as it came).</summary>
    private Task WriteSummaryAsync(DenialSummary summary)
    {
        var kind = summary.Kind;
        var record = new AuditRecord(summary.Until, kind.Actor, kind.Action, kind.Target, kind.Outcome, kind.Source, "", Count: summary.Count);
        return kind.Region is { } region ? trail.WriteAsync(region, [record]) : trail.WriteAsync([record]);
    }
}
