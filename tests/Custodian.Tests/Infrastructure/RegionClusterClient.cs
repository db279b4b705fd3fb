using System.Security.Cryptography.X509Certificates;
using Azure.Data.Tables;
using Custodian.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// A grain client of one region's cluster in the test process, connected as a gateway connects (the region's
/// ClusterId, membership in its storage account, mutual TLS with the cluster certificate): for calls a test
/// makes into a region without going through a gateway. A client made before its region restarted does not
/// find the new silo at once: make a new one.
/// </summary>
public sealed class RegionClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private RegionClusterClient(IHost host) => _host = host;

    /// <summary>The grain factory of the region's cluster.</summary>
    public IClusterClient Grains => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects to the cluster of <paramref name="region"/>, whose membership is in <paramref name="storage"/>.</summary>
    public static async Task<RegionClusterClient> ConnectAsync(string region, string storage, string clusterCertificateFile)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(clusterCertificateFile, "");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = region;
                o.ServiceId = "custodian";
            });
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(storage));
            client.UseTls(certificate, tls => ClusterTls.Configure(tls, certificate, new ClusterTlsOptions()));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return new RegionClusterClient(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
