using Custodian.Gateway;
using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Silo;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using AccessClient = Custodian.Gateway.Protos.Access.Access.AccessClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;
using Microsoft.Extensions.Configuration;

namespace Custodian.Benchmarks;

/// <summary>
/// The gateway's read path with the grant check (a staff principal allowed by a grant: one Principal
/// grain call per request) against the same path with the tenant-only check (the tenant's app), in
/// one run, rounds alternated; both over real TLS with real JWTs.
/// </summary>
internal static class AccessBenchmark
{
    private const int Rounds = 5;
    private const int Concurrency = 16;
    private const int ReadsPerRound = 3_000;

    public static async Task RunAsync()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var secrets = Directory.CreateTempSubdirectory("custodian-bench-access-").FullName;
        var gatewayPort = FreePorts.Next();
        var common = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["ConnectionStrings:Storage"] = azurite.ConnectionString,
            ["ClusterTls:Certificate:Path"] = Path.Combine(secrets, "cluster.pfx"),
            ["ClusterTls:Certificate:CreateIfMissing"] = "true",
            ["Jwt:SigningKeyFile"] = Path.Combine(secrets, "jwt.key"),
            ["Jwt:CreateSigningKeyIfMissing"] = "true",
            ["Audit:KeyFile"] = Path.Combine(secrets, "audit.key"),
            ["Audit:CreateKeyIfMissing"] = "true",
        };
        var silo = SiloApp.Build([], (c, _) => c.AddInMemoryCollection(common.Concat(new Dictionary<string, string?>
        {
            ["Silo:Region"] = "eu-west",
            ["Silo:SiloPort"] = $"{FreePorts.Next()}",
            ["Silo:GatewayPort"] = $"{FreePorts.Next()}",
            ["Silo:AdminPort"] = $"{FreePorts.Next()}",
            ["SecureStorage:KeyFile"] = Path.Combine(secrets, "eu-west.kek.json"),
            ["SecureStorage:CreateKeyFileIfMissing"] = "true",
            ["AdminTls:Certificate:Path"] = Path.Combine(secrets, "admin.pfx"),
            ["AdminTls:Certificate:CreateIfMissing"] = "true",
        })));
        await silo.StartAsync();
        var gateway = GatewayApp.Build([], (c, _) => c.AddInMemoryCollection(common.Concat(new Dictionary<string, string?>
        {
            ["Gateway:Region"] = "eu-west",
            ["Gateway:Port"] = $"{gatewayPort}",
            ["Gateway:RateLimitPerSecond"] = "1000000",
            ["Gateway:RateLimitBurst"] = "1000000",
            ["Tls:Certificate:Path"] = Path.Combine(secrets, "gateway.pfx"),
            ["Tls:Certificate:CreateIfMissing"] = "true",
        })));
        await gateway.StartAsync();

        var jwt = new JwtOptions { SigningKeyFile = Path.Combine(secrets, "jwt.key") };
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(secrets, "gateway.crt"));
        GrpcChannel Channel(string principal, string? tenant, string role) => GrpcChannel.ForAddress($"https://127.0.0.1:{gatewayPort}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash()) },
                EnableMultipleHttp2Connections = true,
            },
            Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, m) =>
            {
                m.Add("Authorization", "Bearer " + DevelopmentTokens.Mint(jwt, principal, tenant, [role], TimeSpan.FromHours(1)));
                return Task.CompletedTask;
            })),
        });

        var app = new SubjectsClient(Channel("bench-app", "acme", "app"));
        for (var i = 0; i < 100; i++)
        {
            await app.PutRecordAsync(new PutRecordRequest
            {
                TenantId = "acme",
                SubjectId = $"s{i}",
                Record = new Record { Category = "contact", Purpose = "bench", LegalBasis = LegalBasis.Contract, Fields = { ["email"] = $"s{i}@example.org" } },
            });
        }

        await new AccessClient(Channel("officer-bench", null, "officer")).IssueGrantAsync(new IssueGrantRequest
        {
            Principal = "staff-bench",
            Scope = new GrantScope { TenantId = "acme" },
            Operations = { Operation.Read },
            Purpose = "benchmark",
            Justification = "benchmark",
            Cidrs = { "127.0.0.0/8" },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(2)),
        });
        var staff = new SubjectsClient(Channel("staff-bench", null, "staff"));

        Func<int, Task> Read(SubjectsClient client) => i => client.GetRecordAsync(new GetRecordRequest { TenantId = "acme", SubjectId = $"s{i % 100}", Category = "contact" }).ResponseAsync;
        await Measure.ClosedLoopAsync(Read(app), 500, Concurrency);
        await Measure.ClosedLoopAsync(Read(staff), 500, Concurrency);
        var tenantOnly = new List<Measure.Result>();
        var withGrant = new List<Measure.Result>();
        for (var round = 0; round < Rounds; round++)
        {
            tenantOnly.Add(await Measure.ClosedLoopAsync(Read(app), ReadsPerRound, Concurrency));
            withGrant.Add(await Measure.ClosedLoopAsync(Read(staff), ReadsPerRound, Concurrency));
        }

        Console.WriteLine();
        Console.WriteLine($"Access decision on the gateway read path — {Environment.ProcessorCount} cores, {Concurrency} callers, {ReadsPerRound} reads per variant per round, {Rounds} rounds (alternating), TLS + JWT");
        Measure.Print("tenant-only check", tenantOnly);
        Measure.Print("grant check", withGrant);
        var ratio = Measure.Median(withGrant).Throughput / Measure.Median(tenantOnly).Throughput;
        Console.WriteLine($"grant check / tenant-only throughput {ratio:F3}: the grant check costs {100 * (1 - ratio):F1}% of read throughput");

        await gateway.StopAsync();
        await silo.StopAsync();
        Directory.Delete(secrets, recursive: true);
    }
}
