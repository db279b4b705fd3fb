using Custodian.AppHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The whole platform on 127.0.0.1, without Docker: per region an Azurite, a silo and a gateway, the witness's
// Azurite (which region writes each tenant; the regions' leases), plus smtp4dev, the SMTP relay every silo
// delivers its mail to. The two regions are a pair: each silo replicates every write to the other's Azurite, and
// each gateway serves every tenant, forwarding a call to the cluster of the region that writes its tenant.
// Keys, certificates and Azurite data live under <repo>/.custodian and are created on first run.
var builder = DistributedApplication.CreateBuilder(args);
var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
var state = Path.Combine(repoRoot, ".custodian");
const int SmtpPort = 2525;
const int MailUiPort = 5080;

Region[] regions =
[
    new("eu-west", Zone: "eu", Pair: "eu-north", BlobPort: 10000, SiloPort: 11111, GatewayPort: 30000, AdminPort: 8443, ApiPort: 7443),
    new("eu-north", Zone: "eu", Pair: "eu-west", BlobPort: 10100, SiloPort: 11112, GatewayPort: 30001, AdminPort: 8444, ApiPort: 7444),
];
StorageEndpoint witness = new("witness", BlobPort: 10200);

var mail = builder.AddSmtp4dev(repoRoot, state, SmtpPort, MailUiPort);
var witnessAzurite = builder.AddAzurite(witness, repoRoot, state);
var azurites = regions.ToDictionary(region => region.Name, region => builder.AddAzurite(region.Storage, repoRoot, state));
var silos = regions.Select(region =>
{
    var pair = regions.Single(r => r.Name == region.Pair);
    return builder.AddProject<Projects.Silo>($"silo-{region.Name}")
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
}).ToList();

// A gateway per region: its own region's cluster, and a client of every other region's to forward to.
var gateways = new List<IResourceBuilder<ProjectResource>>();
foreach (var (region, silo) in regions.Zip(silos))
{
    var gateway = builder.AddProject<Projects.Gateway>($"gateway-{region.Name}")
        .WithEnvironment("Gateway__Region", region.Name)
        .WithEnvironment("Gateway__Address", "127.0.0.1")
        .WithEnvironment("Gateway__Port", region.ApiPort.ToString())
        .WithEnvironment("ConnectionStrings__Storage", region.Storage.ConnectionString)
        .WithEnvironment("ConnectionStrings__Witness", witness.ConnectionString)
        .WithPlacement(regions, writer: regions[0])
        .WithEnvironment("Tls__Certificate__Path", Path.Combine(state, "certs", "gateway.pfx"))
        .WithEnvironment("Tls__Certificate__CreateIfMissing", "true")
        .WithClusterSecrets(state)
        .WithOwnHttpsEndpoint("grpc", region.ApiPort)
        .WaitFor(silo);
    foreach (var other in regions.Where(r => r != region))
    {
        gateway.WithEnvironment($"ConnectionStrings__Storage-{other.Name}", other.Storage.ConnectionString);
    }

    // One development certificate for every gateway: the first creates it, the others wait for it.
    gateways.Add(gateways.Count == 0 ? gateway : gateway.WaitFor(gateways[0]));
}

builder.Eventing.Subscribe<ResourceReadyEvent>(gateways[^1].Resource, (e, _) =>
{
    var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Custodian.AppHost");
    var dashboards = string.Join(" and ", regions.Select(r => $"https://127.0.0.1:{r.AdminPort}/dashboard"));
    var endpoints = string.Join(",", regions.Select(r => $"https://127.0.0.1:{r.ApiPort}"));
    AppHostLog.PlatformReady(logger, endpoints, dashboards, $"http://127.0.0.1:{MailUiPort}", builder.Configuration["ASPNETCORE_URLS"] ?? "(see above)");
    return Task.CompletedTask;
});

builder.Build().Run();
