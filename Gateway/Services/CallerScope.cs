using Custodian.Hosting;
using Grpc.Core;

namespace Custodian.Gateway.Services;

/// <summary>
/// What the caller may touch. Until access grants exist, a caller acts for the one tenant in its
/// <c>tenant</c> claim and nothing else.
/// </summary>
internal static class CallerScope
{
    /// <summary>The caller's principal id (the token's <c>sub</c>), as audit trails and receipts name it.</summary>
    public static string Actor(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst(CustodianClaims.Subject)?.Value ?? "unknown";

    /// <summary>Throws PERMISSION_DENIED unless the caller's tenant claim is <paramref name="tenantId"/>.</summary>
    public static void RequireTenant(ServerCallContext context, string tenantId)
    {
        var claimed = context.GetHttpContext().User.FindFirst(CustodianClaims.Tenant)?.Value;
        if (string.IsNullOrEmpty(claimed))
        {
            RpcErrors.PermissionDenied("The caller's token has no tenant claim.");
        }

        if (!string.Equals(claimed, tenantId, StringComparison.Ordinal))
        {
            RpcErrors.PermissionDenied("The caller may not access subjects of this tenant.");
        }
    }
}
