using Custodian.AppHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The whole platform on 127.0.0.1, without Docker: per region an Azurite, a silo and a gateway, the witness's
// Azurite (which region writes each tenant; the regions' leases), plus smtp4dev, the SMTP relay every silo
// delivers its mail to. The two regions are a pair: each silo replicates every write to the other's Azurite.
// Keys, certificates and Azurite data live under <repo>/.custodian and are created on first run.
var builder = DistributedApplication.CreateBuilder(args);
var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
var state = Path.Combine(repoRoot, ".custodian");
const int SmtpPort = 2525;
const int MailUiPort = 5080;

Region[] regions =
[
    new("eu-west", Zone: "eu", Pair: "eu-north", BlobPort: 10000, SiloPort: 11111, GatewayPort: 30000, AdminPort: 8443, GrpcPort: 7443),
    new("eu-north", Zone: "eu", Pair: "eu-west", BlobPort: 10100, SiloPort: 11112, GatewayPort: 30001, AdminPort: 8444, GrpcPort: 7444),
];
StorageEndpoint witness = new("witness", BlobPort: 10200);

var mail = builder.AddSmtp4dev(repoRoot, state, SmtpPort, MailUiPort);
var witnessAzurite = builder.AddAzurite(witness, repoRoot, state);
var azurites = regions.ToDictionary(region => region.Name, region => builder.AddAzurite(region.Storage, repoRoot, state));
var silos = new Dictionary<string, IResourceBuilder<ProjectResource>>();
foreach (var region in regions)
{
    var pair = regions.Single(r => r.Name == region.Pair);
    silos[region.Name] = builder.AddProject<Projects.Silo>($"silo-{region.Name}")
        .WithEnvironment("Silo__Region", region.Name)
        .WithEnvironment("Silo__Address", "127.0.0.1")
        .WithEnvironment("Silo__SiloPort", region.SiloPort.ToString())
        .WithEnvironment("Silo__GatewayPort", region.GatewayPort.ToString())
        .WithEnvironment("Silo__AdminPort", region.AdminPort.ToString())
        .WithPlacement(regions, writer: regions[0])
        .WithEnvironment("ConnectionStrings__Storage", region.Storage.ConnectionString)
        .WithEnvironment("ConnectionStrings__PairStorage", pair.Storage.ConnectionString)
        .WithEnvironment("ConnectionStrings__Witness", witness.ConnectionString)
        .WithEnvironment("SecureStorage__KeyFile", region.KeyFile(state))
        .WithEnvironment("SecureStorage__PairKeyFile", pair.KeyFile(state))
        .WithEnvironment("SecureStorage__CreateKeyFileIfMissing", "true")
        .WithEnvironment("AdminTls__Certificate__Path", Path.Combine(state, "certs", "admin.pfx"))
        .WithEnvironment("AdminTls__Certificate__CreateIfMissing", "true")
        .WithClusterSecrets(state)
        .WithMailRelay(mail, SmtpPort)
        .WithOwnHttpsEndpoint("admin", region.AdminPort)
        .WithUrlForEndpoint("admin", url =>
        {
            url.Url = "/dashboard";
            url.DisplayText = "Orleans dashboard";
        })
        .WaitFor(azurites[region.Name])
        .WaitFor(azurites[pair.Name])
        .WaitFor(witnessAzurite);
}

// A gateway per region, in front of its region's cluster. It also knows every other region's cluster (its storage
// account, ConnectionStrings:Storage-<region>), the witness and the placement, to forward a tenant's calls to its writer.
var gateways = regions.Select(region => builder.AddProject<Projects.Gateway>($"gateway-{region.Name}")
    .WithEnvironment("Gateway__Region", region.Name)
    .WithEnvironment("Gateway__Address", "127.0.0.1")
    .WithEnvironment("Gateway__Port", region.GrpcPort.ToString())
    .WithEnvironment("ConnectionStrings__Storage", region.Storage.ConnectionString)
    .WithOtherRegions(regions.Where(r => r != region))
    .WithEnvironment("ConnectionStrings__Witness", witness.ConnectionString)
    .WithPlacement(regions, writer: regions[0])
    .WithEnvironment("Tls__Certificate__Path", Path.Combine(state, "certs", "gateway.pfx"))
    .WithEnvironment("Tls__Certificate__CreateIfMissing", "true")
    .WithClusterSecrets(state)
    .WithOwnHttpsEndpoint("grpc", region.GrpcPort)
    .WaitFor(silos[region.Name])).ToList();

var ready = 0;
foreach (var gateway in gateways)
{
    builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (e, _) =>
    {
        if (Interlocked.Increment(ref ready) == gateways.Count)
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Custodian.AppHost");
            var endpoints = string.Join(", ", regions.Select(r => $"https://127.0.0.1:{r.GrpcPort} ({r.Name})"));
            var dashboards = string.Join(" and ", regions.Select(r => $"https://127.0.0.1:{r.AdminPort}/dashboard"));
            AppHostLog.PlatformReady(logger, endpoints, dashboards, $"http://127.0.0.1:{MailUiPort}", builder.Configuration["ASPNETCORE_URLS"] ?? "(see above)");
        }

        return Task.CompletedTask;
    });
}

builder.Build().Run();
