using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custodian.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using KeysClient = Custodian.Gateway.Protos.Keys.Keys.KeysClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Infrastructure;

// This part: how tests call the platform (development tokens, TLS channels to the gateway, gRPC clients, local sources, fresh ids).
public partial class Platform
{
    /// <summary>A development token signed with this platform's key.</summary>
    public string Token(string? tenant, params string[] roles) =>
        DevelopmentTokens.Mint(Jwt, "test-" + Guid.NewGuid().ToString("N")[..8], tenant, roles, TimeSpan.FromMinutes(10));

    /// <summary>A development token for the dashboard (its own audience), signed with this platform's key.</summary>
    public string DashboardToken(string principal, params string[] roles) =>
        DevelopmentTokens.Mint(DashboardJwt, principal, null, roles, TimeSpan.FromMinutes(10));

    /// <summary>
    /// A gRPC channel to the gateway over TLS, trusting exactly the gateway's certificate; with a
    /// token, every call on it carries that token; with <paramref name="from"/>, its connections come
    /// from that local address (any of 127.0.0.0/8), so a test can be a source of its own;
    /// <paramref name="compression"/> replaces the client's compression providers (gzip by default).
    /// </summary>
    public GrpcChannel Channel(string? token = null, System.Net.IPAddress? from = null, IList<Grpc.Net.Compression.ICompressionProvider>? compression = null) => GrpcChannel.ForAddress($"https://127.0.0.1:{GatewayPort}", new GrpcChannelOptions
    {
        HttpHandler = PinnedHandler(GatewayCertificate, from),
        CompressionProviders = compression,
        Credentials = token is null
            ? null
            : ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
    });

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
    public SubjectsClient Subjects(string tenant) => new(Channel(Token(tenant, "app")));

    /// <summary>An HTTP handler that accepts exactly one server certificate; with <paramref name="from"/>, it connects from that local address.</summary>
    public static SocketsHttpHandler PinnedHandler(X509Certificate2 certificate, System.Net.IPAddress? from = null) => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash()) },
        EnableMultipleHttp2Connections = true,
        ConnectCallback = from is null ? null : async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(from.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new System.Net.IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>A loopback address of its own (127.x.y.z) for a test that must be a source of its own.</summary>
    public static System.Net.IPAddress NewSource() =>
        new([127, (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(2, 255)]);

    /// <summary>A random id for this test's data, so tests never share state.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";
}
