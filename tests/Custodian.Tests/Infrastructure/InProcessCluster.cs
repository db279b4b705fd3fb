using Custodian.Silo.Regions;
using System.Diagnostics.Metrics;
using Custodian.Audit;
using Custodian.Keys;
using Custodian.Silo;
using Custodian.Silo.Audit;
using Custodian.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// Several silos of one cluster in this process, through Orleans' <see cref="InProcessTestCluster"/> (in-memory
/// membership and transport), each with Custodian's grains and grain services
/// (<see cref="GrainServicesExtensions.AddCustodianGrainServices"/>) and the audit store, over a platform's
/// Azurite and with its keys. For tests of what happens when grains are called from more than one silo; a
/// cluster of its own (its own service id), so the platform's silo keeps its activations.
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private InProcessCluster(InProcessTestCluster cluster, CapturedLogs logs) => (_cluster, Logs) = (cluster, logs);

    /// <summary>Every log line of the cluster's silos (the platform's <see cref="Platform.Logs"/> keep only its own hosts').</summary>
    public CapturedLogs Logs { get; }

    /// <summary>How many silos the cluster has.</summary>
    public int SiloCount => _cluster.Silos.Count;

    /// <summary>Starts <paramref name="silos"/> silos over <paramref name="platform"/>'s Azurite and keys.</summary>
    public static async Task<InProcessCluster> StartAsync(Platform platform, short silos = 2)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        var stores = platform.Stores();
        var tables = stores.Tables;
        var auditKeys = platform.AuditKeys;
        var logs = new CapturedLogs();
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.AddProvider(logs);
            // The store the silo host registers, over the same table, without its production retry settings.
            host.Services.AddSingleton<IAuditStore>(services => new TableAuditStore(
                tables.GetTableClient("CustodianAudit"), auditKeys, services.GetRequiredService<IMeterFactory>(),
                stores.PairTables.GetTableClient("CustodianAudit"), services.GetRequiredService<PairReplica>(), services.GetRequiredService<RegionFence>()));
            host.Services.AddCustodianAuditTrail(Platform.Region, partitions: 4);
        });
        builder.ConfigureSilo((_, silo) => silo.AddCustodianGrainServices(stores, new SecureStorageOptions(), new KeyRotationOptions(), auditKeys));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return new InProcessCluster(cluster, logs);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The grain factory of silo <paramref name="silo"/>: calls made from inside that silo.</summary>
    public IGrainFactory Grains(int silo) => _cluster.Silos[silo].ServiceProvider.GetRequiredService<IGrainFactory>();

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }
}
