using System.ComponentModel.DataAnnotations;

namespace Custodian.Hosting;

/// <summary>How refused calls are throttled and counted per source address (see <see cref="DenialLedger"/>).</summary>
public sealed class DenialLimits
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Denials";

    /// <summary>Denials a source address gets answered per second, sustained, before it is throttled.</summary>
    [Range(1, 1_000_000)]
    public int PerSecond { get; set; } = 20;

    /// <summary>Denials a source address gets answered in a burst above <see cref="PerSecond"/>.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 100;

    /// <summary>How long identical denials from one source are counted before their count is written.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often windows that are over are closed and their counts written.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan FlushEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Kinds of denial (actor, action, target, outcome) counted apart per source in a window; beyond, one
    /// catch-all kind per source. The default is about what one source is answered in a minute at the
    /// default rate (100 + 20 × 60), so only a throttled source ever reaches it.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxKindsPerSource { get; set; } = 1_500;

    /// <summary>Kinds of denial counted apart in all (a few hundred bytes each); beyond, one catch-all kind for every source.</summary>
    [Range(1, 10_000_000)]
    public int MaxKinds { get; set; } = 100_000;
}
