using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custodian.AppHost;

/// <summary>The platform's local resources: Azurite per region, and what silos and the gateway share.</summary>
internal static class CustodianResources
{
    /// <summary>Adds the region's Azurite (from the repository's node_modules), keeping its data under <paramref name="stateDirectory"/>.</summary>
    public static IResourceBuilder<ExecutableResource> AddAzurite(
        this IDistributedApplicationBuilder builder, Region region, string repoRoot, string stateDirectory)
    {
        var location = Path.Combine(stateDirectory, "azurite", region.Name);
        Directory.CreateDirectory(location);
        return builder
            .AddExecutable($"azurite-{region.Name}", "node", repoRoot,
                Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js"),
                "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--location", location,
                "--blobHost", "127.0.0.1", "--blobPort", region.BlobPort.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", region.QueuePort.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", region.TablePort.ToString())
            .WithEndpoint(port: region.BlobPort, name: "blob", scheme: "http", isProxied: false)
            .WithEndpoint(port: region.QueuePort, name: "queue", scheme: "http", isProxied: false)
            .WithEndpoint(port: region.TablePort, name: "table", scheme: "http", isProxied: false)
            .WithTcpHealthCheck(region.TablePort);
    }

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
