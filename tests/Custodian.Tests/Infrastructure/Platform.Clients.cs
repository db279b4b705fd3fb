using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custodian.Hosting;
using Grpc.Net.Client;
using KeysClient = Custodian.Gateway.Protos.Keys.Keys.KeysClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Infrastructure;

// This part: how tests call the platform (development tokens, TLS channels to the gateway, gRPC clients, local sources, fresh ids).
public partial class Platform
{
    /// <summary>How tests reach this platform's gateway: tokens signed with the platform's key, channels trusting its certificate.</summary>
    public GatewayAccess GatewayAccess => new(GatewayPort, () => GatewayCertificate, Jwt);

    /// <summary>A development token signed with this platform's key.</summary>
    public string Token(string? tenant, params string[] roles) => GatewayAccess.Token(tenant, roles);

    /// <summary>A development token for the dashboard (its own audience), signed with this platform's key.</summary>
    public string DashboardToken(string principal, params string[] roles) =>
        DevelopmentTokens.Mint(DashboardJwt, principal, null, roles, TimeSpan.FromMinutes(10));

    /// <inheritdoc cref="GatewayAccess.Channel"/>
    public GrpcChannel Channel(string? token = null, System.Net.IPAddress? from = null, IList<Grpc.Net.Compression.ICompressionProvider>? compression = null) =>
        GatewayAccess.Channel(token, from, compression);

    /// <summary>A Keys client calling as a principal with <paramref name="roles"/>.</summary>
    public KeysClient Keys(params string[] roles) => new(Channel(Token(null, roles)));

    /// <summary>An Access client calling as <paramref name="principal"/> with <paramref name="roles"/>.</summary>
    public Custodian.Gateway.Protos.Access.Access.AccessClient Access(string principal, params string[] roles) =>
        new(Channel(DevelopmentTokens.Mint(Jwt, principal, null, roles, TimeSpan.FromMinutes(10))));

    /// <summary>An Audit client calling as a principal with <paramref name="roles"/>.</summary>
    public Custodian.Gateway.Protos.Audit.Audit.AuditClient Audit(params string[] roles) => new(Channel(Token(null, roles)));

    /// <summary>A Subjects client calling as <paramref name="principal"/> with <paramref name="roles"/> (and a tenant claim when given).</summary>
    public SubjectsClient SubjectsAs(string principal, string? tenant, params string[] roles) =>
        new(Channel(DevelopmentTokens.Mint(Jwt, principal, tenant, roles, TimeSpan.FromMinutes(10))));

    /// <summary>A Backups client calling as an operator.</summary>
    public Custodian.Gateway.Protos.Backups.Backups.BackupsClient Backups() => new(Channel(Token(null, "operator")));

    /// <summary>A Keys client calling as a client application of <paramref name="tenant"/> (which may shred its own subjects).</summary>
    public KeysClient KeysAs(string tenant) => new(Channel(Token(tenant, "app")));

    /// <summary>A Subjects client calling as a client application of <paramref name="tenant"/>.</summary>
    public SubjectsClient Subjects(string tenant) => GatewayAccess.Subjects(tenant);

    /// <inheritdoc cref="GatewayAccess.PinnedHandler"/>
    public static SocketsHttpHandler PinnedHandler(X509Certificate2 certificate, System.Net.IPAddress? from = null) => GatewayAccess.PinnedHandler(certificate, from);

    /// <summary>A loopback address of its own (127.x.y.z) for a test that must be a source of its own.</summary>
    public static System.Net.IPAddress NewSource() =>
        new([127, (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(2, 255)]);

    /// <summary>A random id for this test's data, so tests never share state.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";
}
