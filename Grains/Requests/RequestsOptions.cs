using System.ComponentModel.DataAnnotations;

namespace Custodian.Requests;

/// <summary>When data-subject requests warn before their due date, and what the officer's list calls due soon.</summary>
public sealed class RequestsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Requests";

    /// <summary>
    /// The service key of the <see cref="TimeProvider"/> request deadlines run on (the system clock unless a
    /// test puts a fake one there; the rest of the silo keeps the real clock).
    /// </summary>
    public const string ClockKey = "requests";

    /// <summary>The default warning points: 7 days and 2 days before the due date.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultWarnBefore = [TimeSpan.FromDays(7), TimeSpan.FromDays(2)];

    /// <summary>How long before the due date a warning is issued; each point once per due date. Unset means 7 and 2 days.</summary>
    public TimeSpan[]? WarnBefore { get; set; }

    /// <summary>An open request due within this window is listed as due soon.</summary>
    public TimeSpan DueSoonWithin { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The warning points in effect, longest first, without duplicates.</summary>
    public IReadOnlyList<TimeSpan> WarningPoints => [.. (WarnBefore ?? [.. DefaultWarnBefore]).Distinct().OrderDescending()];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WarnBefore is { } points && points.Any(p => p <= TimeSpan.Zero))
        {
            yield return new ValidationResult("Every warning point is a positive time before the due date.", [nameof(WarnBefore)]);
        }

        if (DueSoonWithin <= TimeSpan.Zero)
        {
            yield return new ValidationResult("The due-soon window is a positive time.", [nameof(DueSoonWithin)]);
        }
    }
}
