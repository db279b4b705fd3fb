using Custodian.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Custodian;

/// <summary>A grain's question to its host: does this region write my data now?</summary>
public static class RegionRoles
{
    /// <summary>
    /// True when this region writes the grain's data now (or the host runs no regions, as unit tests'
    /// hosts do); false tells a reminder tick or a mail pump to do nothing here.
    /// </summary>
    public static ValueTask<bool> WritesHereAsync(this IGrainBase grain) =>
        grain.GrainContext.ActivationServices.GetService<IRegionRole>() is { } role
            ? role.WritesAsync(grain.GrainContext.GrainId)
            : ValueTask.FromResult(true);
}
