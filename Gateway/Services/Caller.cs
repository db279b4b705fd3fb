using Custodian.Hosting;
using Grpc.Core;

namespace Custodian.Gateway.Services;

/// <summary>Who the caller is, as receipts and logs name it.</summary>
internal static class Caller
{
    /// <summary>The caller's principal id (the token's <c>sub</c>), as audit trails and receipts name it.</summary>
    public static string Actor(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst(CustodianClaims.Subject)?.Value ?? "unknown";
}
