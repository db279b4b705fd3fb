using Custodian.AppHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The whole platform on 127.0.0.1, without Docker: per region an Azurite and a silo, plus the gateway and
// smtp4dev, the SMTP relay every silo delivers its mail to.
// Keys, certificates and Azurite data live under <repo>/.custodian and are created on first run.
var builder = DistributedApplication.CreateBuilder(args);
var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
var state = Path.Combine(repoRoot, ".custodian");
const int GatewayPort = 7443;
const int SmtpPort = 2525;
const int MailUiPort = 5080;

Region[] regions =
[
    new("eu-west", BlobPort: 10000, SiloPort: 11111, GatewayPort: 30000, AdminPort: 8443),
    new("eu-north", BlobPort: 10100, SiloPort: 11112, GatewayPort: 30001, AdminPort: 8444),
];

var mail = builder.AddSmtp4dev(repoRoot, state, SmtpPort, MailUiPort);
var silos = regions.Select(region =>
{
    var azurite = builder.AddAzurite(region, repoRoot, state);
    return builder.AddProject<Projects.Silo>($"silo-{region.Name}")
        .WithEnvironment("Silo__Region", region.Name)
        .WithEnvironment("Silo__Address", "127.0.0.1")
        .WithEnvironment("Silo__SiloPort", region.SiloPort.ToString())
        .WithEnvironment("Silo__GatewayPort", region.GatewayPort.ToString())
        .WithEnvironment("Silo__AdminPort", region.AdminPort.ToString())
        .WithEnvironment("ConnectionStrings__Storage", region.StorageConnectionString)
        .WithEnvironment("SecureStorage__KeyFile", Path.Combine(state, "keys", $"{region.Name}.kek.json"))
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
        .WaitFor(azurite);
}).ToList();

var gateway = builder.AddProject<Projects.Gateway>("gateway")
    .WithEnvironment("Gateway__Region", regions[0].Name)
    .WithEnvironment("Gateway__Address", "127.0.0.1")
    .WithEnvironment("Gateway__Port", GatewayPort.ToString())
    .WithEnvironment("ConnectionStrings__Storage", regions[0].StorageConnectionString)
    .WithEnvironment("Tls__Certificate__Path", Path.Combine(state, "certs", "gateway.pfx"))
    .WithEnvironment("Tls__Certificate__CreateIfMissing", "true")
    .WithClusterSecrets(state)
    .WithOwnHttpsEndpoint("grpc", GatewayPort)
    .WaitFor(silos[0]);

builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (e, _) =>
{
    var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Custodian.AppHost");
    var dashboards = string.Join(" and ", regions.Select(r => $"https://127.0.0.1:{r.AdminPort}/dashboard"));
    AppHostLog.PlatformReady(logger, GatewayPort, dashboards, $"http://127.0.0.1:{MailUiPort}", builder.Configuration["ASPNETCORE_URLS"] ?? "(see above)");
    return Task.CompletedTask;
});

builder.Build().Run();
