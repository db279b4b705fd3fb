using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Custodian.Security;

/// <summary>
/// The security-report rules (configuration section <c>Security</c>). Lists of rule names are
/// comma-separated: <c>volume, bulk-export, new-network, repeated-denials, off-hours</c>.
/// </summary>
public sealed class SecurityRules : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>How often each gateway reports what it saw (and so how soon a rule can fire).</summary>
    public TimeSpan EvaluationPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The rules evaluated.</summary>
    public string Enabled { get; set; } = string.Join(',', SecurityRuleNames.All);

    /// <summary>The rules whose alert suspends every grant of the principal at once.</summary>
    public string AutoSuspend { get; set; } = "";

    /// <summary>The rules whose alert opens a draft incident for the officer.</summary>
    public string DraftIncident { get; set; } = "";

    /// <summary>Volume: fires above this many times the principal's baseline calls per minute...</summary>
    [Range(1.0, 10_000.0)]
    public double VolumeFactor { get; set; } = 10;

    /// <summary>...and above this many calls in the minute, whatever the baseline.</summary>
    [Range(1, int.MaxValue)]
    public int VolumeMinimumPerMinute { get; set; } = 300;

    /// <summary>Bulk export: more distinct subjects than this in an hour...</summary>
    [Range(1, 100_000)]
    public int BulkSubjectsPerHour { get; set; } = 1000;

    /// <summary>...or more export calls than this in an hour.</summary>
    [Range(1, int.MaxValue)]
    public int BulkExportsPerHour { get; set; } = 20;

    /// <summary>Repeated denials: this many denials...</summary>
    [Range(1, 1000)]
    public int DenialsCount { get; set; } = 5;

    /// <summary>...within this window.</summary>
    public TimeSpan DenialsWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Working hours, local to <see cref="TimeZone"/>: <c>HH:mm-HH:mm</c>.</summary>
    public string WorkingHours { get; set; } = "07:00-19:00";

    /// <summary>Working days, comma-separated English day names (or their first three letters).</summary>
    public string WorkingDays { get; set; } = "Mon,Tue,Wed,Thu,Fri";

    /// <summary>The time zone of the working hours (IANA id).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>A rule fires at most once per principal within this time.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromHours(1);

    public bool IsEnabled(string rule) => Names(Enabled).Contains(rule);

    public bool Suspends(string rule) => Names(AutoSuspend).Contains(rule);

    public bool OpensIncident(string rule) => Names(DraftIncident).Contains(rule);

    /// <summary>True when <paramref name="at"/> falls outside the working hours and days.</summary>
    public bool IsOffHours(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        var (from, until) = Hours();
        return !Days().Contains(local.DayOfWeek) || local.TimeOfDay < from || local.TimeOfDay >= until;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, list) in new[] { (nameof(Enabled), Enabled), (nameof(AutoSuspend), AutoSuspend), (nameof(DraftIncident), DraftIncident) })
        {
            var known = name == nameof(DraftIncident) ? [.. SecurityRuleNames.All, .. SecurityRuleNames.PlatformRaised] : SecurityRuleNames.All;
            foreach (var unknown in Names(list).Except(known))
            {
                yield return new ValidationResult($"Security:{name} names an unknown rule '{unknown}'; the rules are {string.Join(", ", known)}.", [name]);
            }
        }

        if (EvaluationPeriod < TimeSpan.FromMilliseconds(100) || EvaluationPeriod > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("Security:EvaluationPeriod must be between 100 ms and 5 minutes.", [nameof(EvaluationPeriod)]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"Security:TimeZone '{TimeZone}' is not a known time zone.", [nameof(TimeZone)]);
        }

        string? hoursError = null;
        try
        {
            var (from, until) = Hours();
            hoursError = from < until ? null : "starts before it ends";
        }
        catch (FormatException)
        {
            hoursError = "is HH:mm-HH:mm";
        }

        if (hoursError is not null)
        {
            yield return new ValidationResult($"Security:WorkingHours {hoursError}.", [nameof(WorkingHours)]);
        }

        string? daysError = null;
        try
        {
            _ = Days();
        }
        catch (FormatException e)
        {
            daysError = e.Message;
        }

        if (daysError is not null)
        {
            yield return new ValidationResult($"Security:WorkingDays: {daysError}", [nameof(WorkingDays)]);
        }
    }

    private static HashSet<string> Names(string list) =>
        [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant())];

    private (TimeSpan From, TimeSpan Until) Hours()
    {
        var parts = WorkingHours.Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            ? (TimeSpan.ParseExact(parts[0], @"hh\:mm", CultureInfo.InvariantCulture), TimeSpan.ParseExact(parts[1], @"hh\:mm", CultureInfo.InvariantCulture))
            : throw new FormatException();
    }

    private HashSet<DayOfWeek> Days() =>
        [.. Names(WorkingDays).Select(d => Enum.GetValues<DayOfWeek>().FirstOrDefault(w => w.ToString().StartsWith(d, StringComparison.OrdinalIgnoreCase) && d.Length >= 3, (DayOfWeek)(-1)) is var day && day >= 0
            ? day
            : throw new FormatException($"'{d}' is not a day of the week."))];
}
