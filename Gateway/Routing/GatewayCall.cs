using Custodian.Gateway.Protos.Regions;
using Custodian.Gateway.Validation;
using Custodian.Validation;
using Google.Protobuf;

namespace Custodian.Gateway.Routing;

/// <summary>
/// The call the gateway is serving, as routing and audit need it: the tenant its request names (a top-level
/// <c>tenant_id</c>), the region it names (a top-level <c>region</c>), and the regions and tenants its grain calls
/// were routed to. The <see cref="RoutingInterceptor"/> sets it for the call's asynchronous flow; outside a call
/// (a refusal by authentication, the gateway's own background work) there is none.
/// </summary>
public sealed class GatewayCall
{
    private static readonly AsyncLocal<GatewayCall?> Ambient = new();
    private readonly Lock _gate = new();
    private readonly List<string> _tenants = [];
    private string? _lastRegion;
    private string? _auditRegion;

    private GatewayCall(string? tenant, string? region, bool servedByPromotedRegion)
    {
        Tenant = tenant;
        Region = region;
        ServedByPromotedRegion = servedByPromotedRegion;
    }

    /// <summary>The call being served in this asynchronous flow, or null.</summary>
    public static GatewayCall? Current => Ambient.Value;

    /// <summary>The tenant the request names (a valid tenant id), or null.</summary>
    public string? Tenant { get; }

    /// <summary>The region the request names, or null.</summary>
    public string? Region { get; }

    /// <summary>
    /// Whether the call is served by the region it promotes (<c>Regions.Promote</c>: by default the pair of the
    /// tenant's writer), not by the tenant's writer.
    /// </summary>
    public bool ServedByPromotedRegion { get; }

    /// <summary>The region the call's last grain call was routed to, or null before any.</summary>
    public string? LastRegion
    {
        get
        {
            lock (_gate)
            {
                return _lastRegion;
            }
        }
    }

    /// <summary>The tenants whose writer the call's grain calls were routed to.</summary>
    public IReadOnlyList<string> RoutedTenants
    {
        get
        {
            lock (_gate)
            {
                return [.. _tenants];
            }
        }
    }

    /// <summary>Starts serving <paramref name="request"/>: the call is <see cref="Current"/> until the caller's asynchronous method returns.</summary>
    public static GatewayCall Begin(IMessage? request)
    {
        var tenant = MessageFields.Text(request, "tenant_id");
        if (tenant is not null)
        {
            var violations = new List<FieldViolation>();
            Identifiers.CheckTenantId(tenant, "tenant_id", violations);
            tenant = violations.Count == 0 ? tenant : null; // refused by the service; nothing to route by
        }

        var call = new GatewayCall(tenant, MessageFields.Text(request, "region"), request is PromoteRequest);
        Ambient.Value = call;
        return call;
    }

    /// <summary>Notes that a grain call goes to <paramref name="region"/>, for <paramref name="tenant"/> when it is a tenant's writer.</summary>
    internal void Routed(string region, string? tenant)
    {
        lock (_gate)
        {
            _lastRegion = region;
            if (tenant is not null && !_tenants.Contains(tenant, StringComparer.Ordinal))
            {
                _tenants.Add(tenant);
            }
        }
    }

    /// <summary>The region whose trail records the call, decided once (by <paramref name="resolve"/>), so that all its records go to one trail.</summary>
    internal string AuditRegion(Func<GatewayCall, string> resolve)
    {
        lock (_gate)
        {
            return _auditRegion ??= resolve(this);
        }
    }
}
