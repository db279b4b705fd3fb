using System.Collections.Immutable;
using Microsoft.Extensions.Options;

namespace Custodian.Security;

/// <summary>
/// A principal's access statistics in a region, fed by the gateways every evaluation period. Each
/// sample is added to its minute and hour and checked against the rules at once; a rule that fires
/// (at most once per cooldown) raises an alert with the region's alerts grain.
/// </summary>
public sealed class PrincipalActivityGrain(
    [PersistentState("activity", "secure")] IPersistentState<PrincipalActivityState> state,
    IOptions<SecurityRules> options) : Grain, IPrincipalActivityGrain
{
    private const int MinutesKept = 60;
    private const int HoursKept = 7 * 24;
    private const int NetworksKept = 256;

    public async Task<IReadOnlyList<SecurityAlert>> ReportAsync(ActivitySample sample)
    {
        var rules = options.Value;
        var s = state.State;
        var minute = Truncate(sample.PeriodStart, TimeSpan.FromMinutes(1));
        var hour = Truncate(sample.PeriodStart, TimeSpan.FromHours(1));
        var baseline = Baseline(hour);
        s.Minutes = Add(s.Minutes, minute, sample, MinutesKept);
        s.Hours = Add(s.Hours, hour, sample, HoursKept);
        var fired = new List<(string Rule, string Detail)>();

        var minuteCalls = s.Minutes.First(b => b.Start == minute).Calls;
        var volumeThreshold = Math.Max(rules.VolumeMinimumPerMinute, rules.VolumeFactor * baseline);
        if (minuteCalls > volumeThreshold)
        {
            fired.Add((SecurityRuleNames.Volume, $"{minuteCalls} calls in the minute from {minute:yyyy-MM-dd HH:mm}Z; baseline {baseline:F1} per minute, threshold {volumeThreshold:F0}"));
        }

        if (s.SubjectsHour != hour)
        {
            (s.SubjectsHour, s.Subjects) = (hour, []);
        }

        // Kept only up to one past the threshold: enough to know it was crossed.
        foreach (var subject in sample.Subjects)
        {
            if (s.Subjects.Count > rules.BulkSubjectsPerHour)
            {
                break;
            }

            s.Subjects = s.Subjects.Add(subject);
        }
        var hourExports = s.Hours.First(b => b.Start == hour).Exports;
        if (s.Subjects.Count > rules.BulkSubjectsPerHour || hourExports > rules.BulkExportsPerHour)
        {
            fired.Add((SecurityRuleNames.BulkExport, $"{s.Subjects.Count} distinct subjects and {hourExports} exports in the hour from {hour:yyyy-MM-dd HH:mm}Z; thresholds {rules.BulkSubjectsPerHour} and {rules.BulkExportsPerHour}"));
        }

        var newNetworks = sample.Networks.Where(n => !s.Networks.Contains(n)).ToList();
        if (newNetworks.Count > 0 && !s.Networks.IsEmpty)
        {
            fired.Add((SecurityRuleNames.NewNetwork, $"calls from {newNetworks.Count} network(s) this principal was not seen on before (of {s.Networks.Count} known)"));
        }

        s.Networks = s.Networks.Count + newNetworks.Count <= NetworksKept ? s.Networks.Union(newNetworks) : s.Networks;

        s.Denials = s.Denials.RemoveAll(d => d.At <= sample.PeriodEnd - rules.DenialsWindow);
        if (sample.Denied > 0)
        {
            s.Denials = s.Denials.Add((sample.PeriodEnd, sample.Denied));
        }

        var denials = s.Denials.Sum(d => d.Count);
        if (sample.Denied > 0 && denials >= rules.DenialsCount)
        {
            fired.Add((SecurityRuleNames.RepeatedDenials, $"{denials} denied calls within {rules.DenialsWindow}; threshold {rules.DenialsCount}"));
        }

        var personCalls = sample.Calls - sample.AppCalls;
        if (personCalls > 0 && rules.IsOffHours(sample.PeriodStart))
        {
            fired.Add((SecurityRuleNames.OffHours, $"{personCalls} calls outside working hours ({rules.WorkingDays} {rules.WorkingHours} {rules.TimeZone})"));
        }

        var raise = fired
            .Where(f => rules.IsEnabled(f.Rule) && !(s.LastFired.TryGetValue(f.Rule, out var last) && sample.PeriodEnd - last < rules.Cooldown))
            .ToList();
        foreach (var (rule, _) in raise)
        {
            s.LastFired = s.LastFired.SetItem(rule, sample.PeriodEnd);
        }

        await state.WriteStateAsync();

        var key = this.GetPrimaryKeyString();
        var region = key[..key.IndexOf('/')];
        var alerts = GrainFactory.GetGrain<ISecurityAlertsGrain>(region);
        var raised = new List<SecurityAlert>();
        foreach (var (rule, detail) in raise)
        {
            raised.Add(await alerts.RaiseAsync(rule, Principal(), sample.PeriodEnd, detail));
        }

        return raised;
    }

    public Task<PrincipalActivity> GetAsync() => Task.FromResult(new PrincipalActivity(
        Principal(),
        [.. state.State.Minutes],
        [.. state.State.Hours],
        Baseline(state.State.Hours.IsEmpty ? DateTimeOffset.MaxValue : state.State.Hours[^1].Start),
        state.State.Networks.Count));

    private string Principal()
    {
        var key = this.GetPrimaryKeyString();
        return key[(key.IndexOf('/') + 1)..];
    }

    /// <summary>Mean calls per minute over the active hours before <paramref name="current"/>; 0 without history.</summary>
    private double Baseline(DateTimeOffset current)
    {
        var history = state.State.Hours.Where(h => h.Start < current && h.Calls > 0).ToList();
        return history.Count == 0 ? 0 : history.Average(h => h.Calls / 60.0);
    }

    private static ImmutableList<ActivityBucket> Add(ImmutableList<ActivityBucket> buckets, DateTimeOffset start, ActivitySample sample, int kept)
    {
        var index = buckets.FindIndex(b => b.Start == start);
        buckets = index >= 0
            ? buckets.SetItem(index, buckets[index] with { Calls = buckets[index].Calls + sample.Calls, Denied = buckets[index].Denied + sample.Denied, Exports = buckets[index].Exports + sample.Exports })
            : buckets.Add(new ActivityBucket(start, sample.Calls, sample.Denied, sample.Exports)).Sort((a, b) => a.Start.CompareTo(b.Start));
        return buckets.Count > kept ? buckets.RemoveRange(0, buckets.Count - kept) : buckets;
    }

    private static DateTimeOffset Truncate(DateTimeOffset at, TimeSpan unit) =>
        new(at.UtcTicks - (at.UtcTicks % unit.Ticks), TimeSpan.Zero);
}
