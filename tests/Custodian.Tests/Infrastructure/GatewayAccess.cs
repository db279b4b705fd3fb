using System.Security.Cryptography.X509Certificates;
using Custodian.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// How a test calls one gateway: development tokens signed with the platform's key, and TLS channels to
/// https://127.0.0.1:<see cref="Port"/> that trust exactly the gateway's certificate.
/// </summary>
public sealed class GatewayAccess(int port, Func<X509Certificate2> certificate, JwtOptions jwt)
{
    /// <summary>The gateway's port on 127.0.0.1.</summary>
    public int Port { get; } = port;

    /// <summary>The gateway's address, as the CLI's <c>--endpoint</c> takes it.</summary>
    public string Endpoint => $"https://127.0.0.1:{Port}";

    /// <summary>A development token signed with the platform's key, for a fresh principal.</summary>
    public string Token(string? tenant, params string[] roles) => TokenOf("test-" + Guid.NewGuid().ToString("N")[..8], tenant, roles);

    /// <summary>A development token for <paramref name="principal"/>, signed with the platform's key.</summary>
    public string TokenOf(string principal, string? tenant, params string[] roles) =>
        DevelopmentTokens.Mint(jwt, principal, tenant, roles, TimeSpan.FromMinutes(10));

    /// <summary>
    /// A gRPC channel to the gateway over TLS, trusting exactly the gateway's certificate; with a
    /// token, every call on it carries that token; with <paramref name="from"/>, its connections come
    /// from that local address (any of 127.0.0.0/8), so a test can be a source of its own;
    /// <paramref name="compression"/> replaces the client's compression providers (gzip by default).
    /// </summary>
    public GrpcChannel Channel(string? token = null, System.Net.IPAddress? from = null, IList<Grpc.Net.Compression.ICompressionProvider>? compression = null) => GrpcChannel.ForAddress(Endpoint, new GrpcChannelOptions
    {
        HttpHandler = PinnedHandler(certificate(), from),
        CompressionProviders = compression,
        Credentials = token is null
            ? null
            : ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
    });

    /// <summary>A Subjects client calling as a client application of <paramref name="tenant"/>.</summary>
    public SubjectsClient Subjects(string tenant) => new(Channel(Token(tenant, "app")));

    /// <summary>A Regions client calling as a principal with <paramref name="roles"/>.</summary>
    public Custodian.Gateway.Protos.Regions.Regions.RegionsClient Regions(params string[] roles) => new(Channel(Token(null, roles)));

    /// <summary>Whether the gateway answers its gRPC health check with SERVING (anonymous, as a probe calls it).</summary>
    public async Task<bool> ServingAsync(TimeSpan timeout)
    {
        using var channel = Channel();
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        var response = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow + timeout);
        return response.Status == Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving;
    }

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
}
