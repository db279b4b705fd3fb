using Orleans.Core.Internal;

namespace Custodian.Silo.Regions;

/// <summary>
/// Refuses every call to a tenant's grain in a region that does not write the tenant now (or has lost its
/// lease), before the grain runs: an activation left in memory from before the tenant moved never answers
/// from what it holds, and a reminder tick that reaches such a region does nothing. A region's own grains
/// are not fenced here (their status must answer even while the lease lapses); their storage is.
/// </summary>
internal sealed class TenantCallFence(RegionFence fence) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // Deactivating what the region no longer writes must get through.
        if (context.InterfaceMethod?.DeclaringType != typeof(IGrainManagementExtension)
            && PlacementScope.Of(context.TargetId, fence.Region) is { IsRegion: false } scope)
        {
            await fence.AuthorizeAsync(scope);
        }

        await context.Invoke();
    }
}
