using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custodian.AppHost;

/// <summary>The platform's local resources: Azurite per region and the witness's, and what silos and the gateway share.</summary>
internal static class CustodianResources
{
    /// <summary>Adds an Azurite (from the repository's node_modules), keeping its data under <paramref name="stateDirectory"/>.</summary>
    public static IResourceBuilder<ExecutableResource> AddAzurite(
        this IDistributedApplicationBuilder builder, StorageEndpoint storage, string repoRoot, string stateDirectory)
    {
        var location = Path.Combine(stateDirectory, "azurite", storage.Name);
        Directory.CreateDirectory(location);
        return builder
            .AddExecutable($"azurite-{storage.Name}", "node", repoRoot,
                Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js"),
                "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry", "--location", location,
                "--blobHost", "127.0.0.1", "--blobPort", storage.BlobPort.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", storage.QueuePort.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", storage.TablePort.ToString())
            .WithEndpoint(port: storage.BlobPort, name: "blob", scheme: "http", isProxied: false)
            .WithEndpoint(port: storage.QueuePort, name: "queue", scheme: "http", isProxied: false)
            .WithEndpoint(port: storage.TablePort, name: "table", scheme: "http", isProxied: false)
            .WithTcpHealthCheck(storage.TablePort);
    }

    /// <summary>
    /// The placement every silo and gateway shares: each region's zone and pair, and the home pair and writer of
    /// every tenant (the provider's own included), which start writing in <paramref name="writer"/>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPlacement(this IResourceBuilder<ProjectResource> project, IEnumerable<Region> regions, Region writer)
    {
        foreach (var region in regions)
        {
            project
                .WithEnvironment($"Placement__Regions__{region.Name}__Zone", region.Zone)
                .WithEnvironment($"Placement__Regions__{region.Name}__Pair", region.Pair);
        }

        return project
            .WithEnvironment("Placement__DefaultHome", $"{writer.Name},{writer.Pair}")
            .WithEnvironment("Placement__DefaultWriter", writer.Name);
    }

    /// <summary>The storage account of every other region, as <c>ConnectionStrings:Storage-&lt;region&gt;</c> (where a gateway finds that region's cluster).</summary>
    public static IResourceBuilder<ProjectResource> WithOtherRegions(this IResourceBuilder<ProjectResource> project, IEnumerable<Region> others)
    {
        foreach (var other in others)
        {
            project.WithEnvironment($"ConnectionStrings__Storage-{other.Name}", other.Storage.ConnectionString);
        }

        return project;
    }

    /// <summary>
    /// Adds smtp4dev (the repository's dotnet tool, <c>.config/dotnet-tools.json</c>) as the silos' SMTP relay:
    /// it accepts every mail on 127.0.0.1:<paramref name="smtpPort"/>, relays nothing, and shows what arrived
    /// in its web UI on <paramref name="webPort"/>. Messages are kept in memory only.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddSmtp4dev(
        this IDistributedApplicationBuilder builder, string repoRoot, string stateDirectory, int smtpPort, int webPort)
    {
        var location = Path.Combine(stateDirectory, "smtp4dev");
        Directory.CreateDirectory(location);
        return builder
            .AddExecutable("smtp4dev", "dotnet", repoRoot,
                "tool", "run", "smtp4dev", "--",
                $"--urls=http://127.0.0.1:{webPort}", $"--smtpport={smtpPort}", "--bindaddress=127.0.0.1", "--hostname=localhost",
                "--tlsmode=None", "--imapport=0", "--pop3port=0", "--db=", "--nousersettings", $"--baseappdatapath={location}")
            .WithEndpoint(port: webPort, name: "http", scheme: "http", isProxied: false)
            .WithEndpoint(port: smtpPort, name: "smtp", scheme: "tcp", isProxied: false)
            .WithTcpHealthCheck(smtpPort);
    }

    /// <summary>Points a silo at the local SMTP relay.</summary>
    public static IResourceBuilder<ProjectResource> WithMailRelay(this IResourceBuilder<ProjectResource> project, IResourceBuilder<ExecutableResource> relay, int smtpPort) =>
        project
            .WithEnvironment("Mail__Host", "127.0.0.1")
            .WithEnvironment("Mail__Port", smtpPort.ToString())
            .WithEnvironment("Mail__From", "custodian@localhost")
            // Where incident escalations and notices go in the local run (all caught by the relay).
            .WithEnvironment("Incidents__OfficerEmail", "officer@custodian.localhost")
            .WithEnvironment("Incidents__DpoEmail", "dpo@custodian.localhost")
            .WithEnvironment("Incidents__Tenants__acme__AuthorityEmail", "breaches@authority.localhost")
            .WithEnvironment("Incidents__Tenants__acme__ContactEmail", "privacy@acme.localhost")
            .WaitFor(relay);

    /// <summary>The cluster certificate, the JWT signing key and the audit key, created on first run, that silos and the gateway share.</summary>
    public static IResourceBuilder<ProjectResource> WithClusterSecrets(this IResourceBuilder<ProjectResource> project, string stateDirectory) =>
        project
            .WithEnvironment("ClusterTls__Certificate__Path", Path.Combine(stateDirectory, "certs", "cluster.pfx"))
            .WithEnvironment("ClusterTls__Certificate__CreateIfMissing", "true")
            .WithEnvironment("Jwt__SigningKeyFile", Path.Combine(stateDirectory, "jwt-signing.key"))
            .WithEnvironment("Jwt__CreateSigningKeyIfMissing", "true")
            .WithEnvironment("Audit__KeyFile", Path.Combine(stateDirectory, "audit.key"))
            .WithEnvironment("Audit__CreateKeyIfMissing", "true");

    /// <summary>
    /// An HTTPS endpoint the service binds itself (Kestrel <c>Listen</c>): shown in the dashboard, neither
    /// proxied nor injected as ASPNETCORE_URLS, and healthy once something accepts connections on it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithOwnHttpsEndpoint(this IResourceBuilder<ProjectResource> project, string name, int port) =>
        project
            .WithHttpsEndpoint(port: port, name: name, isProxied: false)
            .WithEndpointsInEnvironment(_ => false)
            .WithTcpHealthCheck(port);

    private static IResourceBuilder<T> WithTcpHealthCheck<T>(this IResourceBuilder<T> resource, int port) where T : IResource
    {
        var name = $"{resource.Resource.Name}-tcp-{port}";
        resource.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(name, async cancellationToken =>
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException e)
            {
                return HealthCheckResult.Unhealthy($"127.0.0.1:{port} does not accept connections: {e.SocketErrorCode}");
            }
        });
        return resource.WithHealthCheck(name);
    }
}
