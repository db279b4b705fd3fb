using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custodian.Client;
using Custodian.Idempotency;
using Custodian.Tests.Gateway;
using Custodian.Validation;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Custodian.Tests.Client;

/// <summary>
/// The client library without a gateway: its service config (retries on UNAVAILABLE, no hedging), which methods it
/// treats as writes, the idempotency keys it adds, the certificates it accepts, and what it depends on.
/// </summary>
public sealed class ClientLibraryTests
{
    // Every Custodian method that reads only; a new method fails ClassifiesEveryMethod... until it is decided here.
    private static readonly string[] _reads =
    [
        "custodian.access.v1.Access/GetGrant", "custodian.access.v1.Access/ListGrantLog", "custodian.access.v1.Access/ExportGrantLog",
        "custodian.access.v1.Access/GetReview", "custodian.audit.v1.Audit/VerifyTrail", "custodian.audit.v1.Audit/QueryTrail",
        "custodian.backups.v1.Backups/GetJob", "custodian.backups.v1.Backups/ListBackups",
        "custodian.incidents.v1.Incidents/GetIncident", "custodian.incidents.v1.Incidents/ListIncidents", "custodian.incidents.v1.Incidents/ExportRegister",
        "custodian.keys.v1.Keys/GetRotationStatus", "custodian.keys.v1.Keys/GetShredReceipt", "custodian.regions.v1.Regions/GetStatus",
        "custodian.requests.v1.Requests/GetRequest", "custodian.requests.v1.Requests/ListRequests",
        "custodian.security.v1.SecurityReports/ListAlerts", "custodian.security.v1.SecurityReports/GetActivity",
        "custodian.subjects.v1.Subjects/GetRecord", "custodian.subjects.v1.Subjects/ListCategories", "custodian.subjects.v1.Subjects/ListRecipients",
        "custodian.subjects.v1.Subjects/Export",
    ];

    private static readonly string[] _serverSide = ["Microsoft.AspNetCore", "Orleans", "Microsoft.Orleans", "Azure", "Custodian.ServiceDefaults", "Custodian.Tokens", "Custodian.Grains"];

    [Fact]
    public void TheServiceConfigRetriesOnlyUnavailableOnOneGatewayAndHedgesNothing()
    {
        // Act
        var config = GatewayServiceConfig.Create(new CustodianClientOptions());
        var noRetries = GatewayServiceConfig.Create(new CustodianClientOptions { MaxAttemptsPerGateway = 1 });

        // Assert
        var method = Assert.Single(config.MethodConfigs);
        var name = Assert.Single(method.Names); // every method: the service config's default name
        Assert.Equal((null, null), (name.Service, name.Method));
        Assert.NotNull(method.RetryPolicy);
        Assert.Equal(new[] { StatusCode.Unavailable }, method.RetryPolicy.RetryableStatusCodes);
        Assert.Equal((3, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), 2d), (method.RetryPolicy.MaxAttempts, method.RetryPolicy.InitialBackoff, method.RetryPolicy.MaxBackoff, method.RetryPolicy.BackoffMultiplier));
        Assert.All(config.MethodConfigs, m => Assert.Null(m.HedgingPolicy));
        Assert.Empty(noRetries.MethodConfigs);
    }

    [Fact]
    public void ClassifiesEveryMethodOfEveryServiceAsAReadOrAWrite()
    {
        // Act
        var reads = GatewayMethods.All.Where(m => !CustodianMethods.IsWrite(m.Name)).Select(m => $"{m.Service.FullName}/{m.Name}").Order(StringComparer.Ordinal);

        // Assert
        Assert.Equal(_reads.Order(StringComparer.Ordinal), reads);
        Assert.Contains(GatewayMethods.All, m => m.Name == "PutRecord" && CustodianMethods.IsWrite(m.Name));
    }

    [Fact]
    public async Task AWriteGetsAFreshKeyOfItsOwnAReadNoneAndTheCallersKeyIsKept()
    {
        // Arrange
        var seen = new Recorder();
        var invoker = seen.Intercept(new CallDefaults(TimeSpan.FromSeconds(5)));
        var callers = IdempotencyKey.Headers("my-own-key");

        // Act
        await Call(invoker, "PutRecord");
        await Call(invoker, "PutRecord");
        await Call(invoker, "GetRecord");
        await Call(invoker, "Erase", callers);
        await Call(invoker, "Erase", callers);

        // Assert
        var keys = seen.Calls.Select(c => IdempotencyKey.In(c.Headers)).ToList();
        Assert.NotNull(keys[0]);
        Assert.NotNull(keys[1]);
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Null(keys[2]);
        Assert.Equal(new[] { "my-own-key", "my-own-key" }, keys.Skip(3));
        Assert.All(seen.Calls, c => Assert.InRange(c.Deadline!.Value, DateTime.UtcNow, DateTime.UtcNow.AddSeconds(5)));
        Assert.Single(callers); // the caller's headers are copied, never added to
        Assert.All(keys.OfType<string>(), k => Assert.Empty(Violations(k)));
    }

    [Fact]
    public void FreshKeysAreValidForTheGatewayAndNamedAsItNamesThem()
    {
        // Act
        var keys = Enumerable.Range(0, 100).Select(_ => IdempotencyKey.New()).ToList();

        // Assert
        Assert.Equal(IdempotencyKeys.HeaderName, IdempotencyKey.HeaderName);
        Assert.Equal(100, keys.Distinct().Count());
        Assert.All(keys, k => Assert.Empty(Violations(k)));
        Assert.NotEmpty(Violations(""));
        Assert.NotEmpty(Violations(new string('a', 65)));
        Assert.NotEmpty(Violations("a.b"));
        Assert.Empty(Violations(new string('a', 64)));
    }

    [Fact]
    public void AGrainKeepsTheLast64KeyedWritesAndTellsWritesApartByTheirParts()
    {
        // Arrange
        var writes = ImmutableArray<KeyedWrite>.Empty;

        // Act
        for (var i = 0; i < 70; i++)
        {
            writes = RecentWrites.Add(writes, new KeyedWrite($"k{i}", RecentWrites.Fingerprint("PutRecord", $"{i}"), DateTimeOffset.UnixEpoch.AddSeconds(i)));
        }

        // Assert
        Assert.Equal(RecentWrites.Kept, writes.Length);
        Assert.Null(RecentWrites.Find(writes, "k5"));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(69), RecentWrites.Find(writes, "k69")!.At);
        Assert.Equal(RecentWrites.Fingerprint("a", "b"), RecentWrites.Fingerprint("a", "b"));
        Assert.NotEqual(RecentWrites.Fingerprint("ab", "c"), RecentWrites.Fingerprint("a", "bc"));
        Assert.NotEqual(RecentWrites.Fingerprint("a", null), RecentWrites.Fingerprint("a", ""));
    }

    [Fact]
    public void AGatewayCertificateIsAcceptedWhenPinnedOrIssuedByTheTrustedCaAndNotOtherwise()
    {
        // Arrange
        using var ca = Authority("CN=Custodian test CA");
        using var otherCa = Authority("CN=Someone else's CA");
        using var issued = Issue(ca, "CN=gateway.test");
        using var selfSigned = new CertificateRequest("CN=gateway.test", ECDsa.Create(), HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        const SslPolicyErrors untrusted = SslPolicyErrors.RemoteCertificateChainErrors;

        // Act + Assert
        Assert.True(GatewayCertificates.Accepts(selfSigned, selfSigned, null, untrusted | SslPolicyErrors.RemoteCertificateNameMismatch)); // pinned: exactly it
        Assert.True(GatewayCertificates.Accepts(ca, issued, null, untrusted));
        Assert.False(GatewayCertificates.Accepts(ca, issued, null, untrusted | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(GatewayCertificates.Accepts(otherCa, issued, null, untrusted));
        Assert.False(GatewayCertificates.Accepts(issued, selfSigned, null, untrusted)); // a leaf is no CA
        Assert.False(GatewayCertificates.Accepts(ca, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void TheLibraryCarriesNoServerSideAssembly()
    {
        // Act
        var referenced = typeof(CustodianClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        // Assert
        Assert.Contains("Grpc.Net.Client", referenced);
        Assert.DoesNotContain(referenced, name => _serverSide.Any(prefix => name == prefix || name.StartsWith(prefix + ".", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal("Custodian.Client", typeof(CustodianClient).Assembly.GetName().Name);
        Assert.Equal(typeof(CustodianClient).Assembly, typeof(Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient).Assembly);
    }

    [Fact]
    public async Task AWriteKeepsItsKeyAcrossRetriesOnOneGatewayAndTheFailoverToTheNext()
    {
        // Arrange: gateway a answers every attempt UNAVAILABLE, gateway b answers; both keep the headers they got
        var options = new CustodianClientOptions { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5) };
        var down = new FakeGateway(StatusCode.Unavailable);
        var up = new FakeGateway(StatusCode.OK);
        var notices = new List<GatewayFailover>();
        using var failover = new FailoverCallInvoker(
            [(new Uri("https://a.test"), down.Channel(options)), (new Uri("https://b.test"), up.Channel(options))],
            notices.Add);
        var invoker = failover.Intercept(new CallDefaults(TimeSpan.FromSeconds(10)));

        // Act
        await Call(invoker, "PutRecord");
        await Call(invoker, "PutRecord");

        // Assert: the first write tried a three times and b once, under one key; the second went to b only, under its own
        var keys = down.Keys.Concat(up.Keys).ToList();
        Assert.Equal(3, down.Keys.Count);
        Assert.Equal(2, up.Keys.Count);
        Assert.Single(keys.Take(4).Distinct());
        Assert.NotEqual(keys[3], keys[4]);
        var notice = Assert.Single(notices);
        Assert.Equal(("a.test", "b.test", StatusCode.Unavailable), (notice.From.Host, notice.To.Host, notice.Status.StatusCode));
        Assert.Equal(new Uri("https://b.test"), failover.Current);
    }

    private static List<FieldViolation> Violations(string key)
    {
        var violations = new List<FieldViolation>();
        IdempotencyKeys.Check(key, violations);
        return violations;
    }

    private static async Task Call(CallInvoker invoker, string name, Metadata? headers = null)
    {
        var method = new Method<string, string>(MethodType.Unary, "custodian.test.v1.Test", name, Marshallers.StringMarshaller, Marshallers.StringMarshaller);
        await invoker.AsyncUnaryCall(method, null, new CallOptions(headers), "");
    }

    private static X509Certificate2 Authority(string name)
    {
        var request = new CertificateRequest(name, ECDsa.Create(), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string name)
    {
        var request = new CertificateRequest(name, ECDsa.Create(), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        return request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>A gateway in memory: answers every unary call with one status (a trailers-only response, or an empty string message) and keeps each call's idempotency key.</summary>
    private sealed class FakeGateway(StatusCode status) : HttpMessageHandler
    {
        public List<string?> Keys { get; } = [];

        public Grpc.Net.Client.GrpcChannel Channel(CustodianClientOptions options) => Grpc.Net.Client.GrpcChannel.ForAddress("https://gateway.test", new Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = this,
            ServiceConfig = GatewayServiceConfig.Create(options),
            MaxRetryAttempts = options.MaxAttemptsPerGateway,
        });

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Keys)
            {
                Keys.Add(request.Headers.TryGetValues(IdempotencyKey.HeaderName, out var values) ? values.Single() : null);
            }

            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Version = System.Net.HttpVersion.Version20 };
            if (status != StatusCode.OK)
            {
                response.Content = new ByteArrayContent([]);
                response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
                response.Headers.Add("grpc-status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
                response.Headers.Add("grpc-message", "the gateway is down");
                return Task.FromResult(response);
            }

            response.Content = new ByteArrayContent([0, 0, 0, 0, 0]); // one uncompressed message of 0 bytes: ""
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
            response.TrailingHeaders.Add("grpc-status", "0");
            return Task.FromResult(response);
        }
    }

    /// <summary>A call invoker that answers every unary call with "" and keeps its options.</summary>
    private sealed class Recorder : CallInvoker
    {
        public List<CallOptions> Calls { get; } = [];

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            Calls.Add(options);
            return new AsyncUnaryCall<TResponse>(Task.FromResult((TResponse)(object)""), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }
}
