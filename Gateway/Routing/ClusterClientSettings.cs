using System.Security.Cryptography.X509Certificates;
using Azure.Data.Tables;
using Custodian.Hosting;
using Orleans.Configuration;

namespace Custodian.Gateway.Routing;

/// <summary>
/// How each of the gateway's Orleans clients connects to its region's cluster: the same ServiceId, mutual TLS
/// with the pinned cluster certificate, retries until the cluster answers, and activity propagation for every
/// region; only the ClusterId (the region) and the storage account holding its membership differ.
/// </summary>
internal sealed class ClusterClientSettings(string serviceId, X509Certificate2 certificate, ClusterTlsOptions tls)
{
    /// <summary>Configures <paramref name="client"/> for the cluster of <paramref name="region"/>, found in <paramref name="connectionString"/>'s membership table.</summary>
    public void Configure(IClientBuilder client, string region, string connectionString)
    {
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = region;
            o.ServiceId = serviceId;
        });
        client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connectionString));
        client.UseTls(certificate, options => ClusterTls.Configure(options, certificate, tls));
        client.UseConnectionRetryFilter<ClusterConnectRetry>();
        client.AddActivityPropagation();
    }
}
