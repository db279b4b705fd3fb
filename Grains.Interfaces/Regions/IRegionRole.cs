namespace Custodian.Regions;

/// <summary>
/// Whether this region writes a grain's data now: it is the writer of the grain's tenant (or the grain is
/// this region's own) and holds its lease. A grain asks before anything it does reaches the outside world
/// (a mail, a reminder's follow-up), so that a region which lost a tenant does nothing for it.
/// </summary>
public interface IRegionRole
{
    /// <summary>True when this region writes <paramref name="grainId"/>'s data now.</summary>
    ValueTask<bool> WritesAsync(GrainId grainId);
}

/// <summary>
/// A grain that keeps deadlines (a reminder): after its tenant moved to this region, the region calls
/// <see cref="RearmAsync"/> on each such grain it holds state of, and the grain registers its reminder here
/// from its state (and acts on anything already due), since the reminders of the old region stayed there.
/// </summary>
[Alias("Custodian.Regions.IDeadlineOwner")]
public interface IDeadlineOwner : IGrain
{
    /// <summary>Registers the grain's reminder in this region from its state; nothing when no deadline is pending.</summary>
    [Alias("Rearm")]
    Task RearmAsync();
}
