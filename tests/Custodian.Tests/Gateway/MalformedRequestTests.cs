using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Custodian.Gateway;
using Custodian.Gateway.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Gateway.Validation;
using Custodian.Tests.Gateway.Fuzz;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Net.Compression;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Custodian.Tests.Gateway;

/// <summary>A platform of its own, rate limits out of the way: mutated requests that still parse reach every handler, jobs and all.</summary>
public sealed class MalformedRequestPlatform : Platform
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        new("Gateway:RateLimitPerSecond", "1000000"),
        new("Gateway:RateLimitBurst", "1000000"),
    ];
}

/// <summary>
/// Bytes that are not a valid message of the method are the caller's mistake: INVALID_ARGUMENT with a plain
/// sentence, never UNKNOWN or INTERNAL; a message over the size limit is RESOURCE_EXHAUSTED naming the limit.
/// </summary>
public sealed class MalformedRequestTests(MalformedRequestPlatform platform, ITestOutputHelper output) : IClassFixture<MalformedRequestPlatform>
{
    /// <summary>The fixed seed; set CUSTODIAN_FUZZ_SEED to run another one.</summary>
    private const int DefaultSeed = 612_2025;
    private const int MinimumRequests = 10_000;
    private const int InFlight = 24;
    private const string NotAValidMessage = "The request is not a valid ";
    private static readonly string[] EveryRole = ["app", "officer", "dpo", "operator", "staff"];

    [Fact]
    public async Task MutatedRequestsToEveryMethodAreAnsweredWithAClearStatusNeverUnknownOrInternal()
    {
        // Arrange: every method × every mutation, round after round, all generated up front from one seed
        var seed = Environment.GetEnvironmentVariable("CUSTODIAN_FUZZ_SEED") is { Length: > 0 } chosen ? int.Parse(chosen, CultureInfo.InvariantCulture) : DefaultSeed;
        var tenant = Platform.NewId("fuzz");
        var fuzzer = new RequestFuzzer(new Random(seed), tenant);
        var methods = GatewayMethods.All;
        var mutations = Enum.GetValues<Mutation>();
        var rounds = (MinimumRequests + (methods.Count * mutations.Length) - 1) / (methods.Count * mutations.Length);
        var cases = new List<(MethodDescriptor Method, Mutation Mutation, byte[] Bytes)>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var method in methods)
            {
                foreach (var mutation in mutations)
                {
                    var (applied, bytes) = fuzzer.Mutate(method.InputType, fuzzer.ValidLooking(method.InputType), mutation);
                    cases.Add((method, applied, bytes));
                }
            }
        }

        var invoker = platform.Channel(platform.Token(tenant, EveryRole)).CreateCallInvoker();
        output.WriteLine($"seed {seed}: {cases.Count} requests over {methods.Count} methods, tenant {tenant}, {InFlight} in flight");

        // Act
        var outcomes = new ConcurrentBag<(MethodDescriptor Method, Mutation Mutation, byte[] Bytes, StatusCode Status, string Detail)>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (c, _) =>
        {
            var (status, detail) = await GatewayMethods.CallAsync(invoker, c.Method, c.Bytes, TimeSpan.FromSeconds(60));
            outcomes.Add((c.Method, c.Mutation, c.Bytes, status, detail));
        });
        watch.Stop();
        Report(outcomes.Select(o => (o.Mutation, o.Status, o.Detail)).ToList(), watch.Elapsed);

        // Assert: a clear status every time
        var unclear = outcomes
            .Where(o => o.Status is StatusCode.Unknown or StatusCode.Internal or StatusCode.DeadlineExceeded
                || o.Detail.Contains("   at ", StringComparison.Ordinal) || o.Detail.Contains("Exception", StringComparison.Ordinal))
            .Select(o => $"{o.Method.FullName} {o.Mutation}: {o.Status} \"{o.Detail}\" for {Hex(o.Bytes)}")
            .ToList();
        foreach (var line in unclear.Take(20))
        {
            output.WriteLine("UNCLEAR " + line);
        }

        Assert.True(cases.Count >= MinimumRequests);
        Assert.Empty(unclear);
        Assert.DoesNotContain(platform.Logs.Lines, l => l.Contains("failed unexpectedly", StringComparison.Ordinal)); // protobuf threw only its own exception

        // … every mutation produced INVALID_ARGUMENT at least once; each that breaks the wire format was refused
        // as malformed bytes at least once; and every method refused malformed bytes naming its message
        Assert.All(mutations, m => Assert.Contains(outcomes, o => o.Mutation == m && o.Status == StatusCode.InvalidArgument));
        var refused = outcomes.Where(o => o.Status == StatusCode.InvalidArgument && o.Detail.StartsWith(NotAValidMessage, StringComparison.Ordinal)).ToList();
        Assert.All(mutations.Except([Mutation.OddValues]), m => Assert.Contains(refused, o => o.Mutation == m));
        Assert.All(methods, m => Assert.Contains(refused, o => o.Method == m && o.Detail == $"{NotAValidMessage}{m.InputType.FullName} message."));

        // … and the platform still serves a normal call
        var subject = Platform.NewId("subj");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("after-fuzz@example.org") });
        var read = await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "support" });
        Assert.Equal("after-fuzz@example.org", read.Record.Fields["email"]);
    }

    [Fact]
    public async Task RequestOverTheSizeLimitIsResourceExhaustedNamingTheLimit()
    {
        // Arrange
        var limit = platform.GatewayServices.GetRequiredService<GatewayOptions>().MaxReceiveMessageSize;
        var invoker = platform.Channel(platform.Token(Platform.NewId("big"), EveryRole)).CreateCallInvoker();
        var putRecord = Method("custodian.subjects.v1.Subjects", "PutRecord");

        // Act
        var (status, detail) = await GatewayMethods.CallAsync(invoker, putRecord, new byte[limit + 1], TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(4 * 1024 * 1024, limit); // the documented default
        Assert.Equal(StatusCode.ResourceExhausted, status);
        Assert.Equal($"The request message is {limit + 1} bytes; the gateway accepts request messages of at most {limit} bytes.", detail);
    }

    [Fact]
    public async Task RequestOfExactlyTheSizeLimitIsReadAndJudgedByItsHandler()
    {
        // Arrange: a PutRecord of exactly the limit, whose tenant id is far too long
        var limit = platform.GatewayServices.GetRequiredService<GatewayOptions>().MaxReceiveMessageSize;
        var request = new PutRecordRequest { TenantId = new string('t', limit - 5), SubjectId = "s1", Record = SampleRecords.Contact("big@example.org") };
        request.TenantId = new string('t', limit - (request.CalculateSize() - request.TenantId.Length));
        var client = platform.SubjectsAs("big-caller", "t", "app");

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.PutRecordAsync(request));

        // Assert
        Assert.Equal(limit, request.CalculateSize());
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("tenant_id", error.Status.Detail);
    }

    [Fact]
    public async Task CompressedRequestOverTheSizeLimitOnceDecompressedIsResourceExhaustedNamingTheLimit()
    {
        // Arrange: 5 MiB of zeros, a few kilobytes once gzipped
        var limit = platform.GatewayServices.GetRequiredService<GatewayOptions>().MaxReceiveMessageSize;
        var invoker = platform.Channel(platform.Token(Platform.NewId("bomb"), EveryRole)).CreateCallInvoker();
        var gzip = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        // Act
        var (status, detail) = await GatewayMethods.CallAsync(invoker, Method("custodian.subjects.v1.Subjects", "PutRecord"), new byte[5 * 1024 * 1024], TimeSpan.FromSeconds(60), gzip);

        // Assert
        Assert.Equal(StatusCode.ResourceExhausted, status);
        Assert.Equal($"The request message is over {limit} bytes once decompressed; the gateway accepts request messages of at most {limit} bytes.", detail);
    }

    [Fact]
    public async Task CompressedRequestThatIsNotGzipIsInvalidArgument()
    {
        // Arrange: a client that flags its messages gzip-compressed and sends them as they are
        var channel = platform.Channel(platform.Token(Platform.NewId("gzip"), EveryRole), compression: [new ClaimsGzipButSendsPlainBytes()]);
        var gzip = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        // Act
        var (status, detail) = await GatewayMethods.CallAsync(channel.CreateCallInvoker(), Method("custodian.subjects.v1.Subjects", "PutRecord"), [0x0A, 0x01, 0x61], TimeSpan.FromSeconds(30), gzip);

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal("The request message is not valid gzip-compressed data.", detail);
    }

    [Fact]
    public async Task MalformedHealthCheckIsInvalidArgumentLikeEveryOtherMethod()
    {
        // Arrange: health is anonymous, and not a custodian service: it is covered all the same
        var invoker = platform.Channel().CreateCallInvoker();
        var check = Grpc.Health.V1.Health.Descriptor.FindMethodByName("Check");

        // Act
        var (status, detail) = await GatewayMethods.CallAsync(invoker, check, [0x0A, 0x05, 0x61], TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal("The request is not a valid grpc.health.v1.HealthCheckRequest message.", detail);
    }

    [Fact]
    public async Task MalformedRequestWithoutATokenIsStillUnauthenticated()
    {
        // Arrange
        var invoker = platform.Channel().CreateCallInvoker();

        // Act
        var (status, _) = await GatewayMethods.CallAsync(invoker, Method("custodian.subjects.v1.Subjects", "PutRecord"), [0x0F], TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(StatusCode.Unauthenticated, status);
    }

    [Fact]
    public void EveryGatewayEndpointReadsItsRequestThroughTheValidatingMarshallerAndKeepsItsHandlersAttributes()
    {
        // Arrange
        var endpoints = platform.GatewayServices.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => (Endpoint: e, Grpc: e.Metadata.GetMetadata<GrpcMethodMetadata>()))
            .Where(e => e.Grpc is not null)
            .ToList();

        // Act
        var unvalidated = endpoints.Where(e => !IsValidating(e.Grpc!.Method)).Select(e => e.Grpc!.Method.FullName).ToList();
        var custodian = endpoints.Where(e => e.Grpc!.Method.ServiceName.StartsWith("custodian.", StringComparison.Ordinal)).ToList();
        var lostAttributes = custodian.Where(e =>
        {
            var handler = e.Grpc!.ServiceType.GetMethod(e.Grpc.Method.Name)!;
            var roles = e.Grpc.ServiceType.GetCustomAttributes(typeof(AuthorizeAttribute), true).Concat(handler.GetCustomAttributes(typeof(AuthorizeAttribute), true))
                .Cast<AuthorizeAttribute>().Select(a => a.Roles ?? "");
            return e.Endpoint.Metadata.GetMetadata<PerformsAttribute>()?.Operation != (handler.GetCustomAttributes(typeof(PerformsAttribute), true).SingleOrDefault() as PerformsAttribute)?.Operation
                || !e.Endpoint.Metadata.GetOrderedMetadata<AuthorizeAttribute>().Select(a => a.Roles ?? "").SequenceEqual(roles);
        }).Select(e => e.Grpc!.Method.FullName).ToList();

        // Assert
        Assert.Empty(unvalidated);
        Assert.Empty(lostAttributes);
        Assert.Equal(GatewayMethods.All.Select(m => $"/{m.Service.FullName}/{m.Name}").Order(), custodian.Select(e => e.Grpc!.Method.FullName).Order());
        Assert.Contains(endpoints, e => e.Grpc!.Method.ServiceName == "grpc.health.v1.Health");
        Assert.Contains(endpoints, e => e.Grpc!.Method.ServiceName == "grpc.reflection.v1.ServerReflection");
        Assert.Contains(custodian, e => e.Endpoint.Metadata.GetMetadata<PerformsAttribute>() is not null);
    }

    private static bool IsValidating(IMethod method) =>
        method.GetType().GetProperty("RequestMarshaller")?.GetValue(method)?.GetType() is { IsGenericType: true } marshaller
        && marshaller.GetGenericTypeDefinition() == typeof(ValidatingMarshaller<>);

    /// <summary>The request's bytes in hex, the first 100 of them, to reproduce a finding.</summary>
    private static string Hex(byte[] bytes) => bytes.Length <= 100 ? Convert.ToHexString(bytes) : $"{Convert.ToHexString(bytes[..100])}… ({bytes.Length} bytes)";

    private static MethodDescriptor Method(string service, string name) =>
        GatewayMethods.All.Single(m => m.Service.FullName == service && m.Name == name);

    private void Report(List<(Mutation Mutation, StatusCode Status, string Detail)> outcomes, TimeSpan elapsed)
    {
        output.WriteLine($"{outcomes.Count} requests in {elapsed.TotalSeconds:F1} s ({outcomes.Count / elapsed.TotalSeconds:F0}/s)");
        output.WriteLine("by status:");
        foreach (var group in outcomes.GroupBy(o => o.Status).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {group.Key,-20} {group.Count(),6}");
        }

        output.WriteLine($"  of INVALID_ARGUMENT, \"{NotAValidMessage}… message.\": {outcomes.Count(o => o.Detail.StartsWith(NotAValidMessage, StringComparison.Ordinal))}");
        output.WriteLine("by mutation (status: count):");
        foreach (var group in outcomes.GroupBy(o => o.Mutation).OrderBy(g => g.Key))
        {
            var statuses = string.Join(", ", group.GroupBy(o => o.Status).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
            output.WriteLine($"  {group.Key,-16} {group.Count(),6}: {statuses}");
        }
    }

    /// <summary>A "gzip" that writes its input unchanged: a compressed-flagged message no decoder can read.</summary>
    private sealed class ClaimsGzipButSendsPlainBytes : ICompressionProvider
    {
        public string EncodingName => "gzip";

        public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => new Passthrough(stream);

        public Stream CreateDecompressionStream(Stream stream) => stream;

        private sealed class Passthrough(Stream inner) : Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

            public override void Flush() => inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
