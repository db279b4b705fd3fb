using Custodian.Hosting;
using Custodian.Keys;
using Custodian.Silo.Regions;
using Custodian.Silo.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Custodian.Silo;

/// <summary>Registers the <c>secure</c> grain storage: Encrypted → Replicated → Azure Table, in this region and its pair.</summary>
public static class SecureStorageExtensions
{
    /// <summary>The keyed name of this region's Azure Table provider under the <c>secure</c> chain.</summary>
    internal const string InnerName = "secure-inner";
    private const string PairName = "secure-pair";

    /// <summary>The keyed service name of the pair region's key table and shred ledger.</summary>
    public const string Pair = "pair";

    /// <summary>
    /// Adds the <c>secure</c> grain storage over this region's and its pair's Azure Table storage, with data
    /// keys wrapped by each region's current key-encryption key, writes fenced by the witness, and the key
    /// ring, key stores, shred ledgers, fence, replica and backlog as services, and the audit keys (their integrity key
    /// authenticates tombstones).
    /// </summary>
    public static ISiloBuilder AddSecureGrainStorage(this ISiloBuilder silo, RegionStores stores, SecureStorageOptions options, AuditKeys auditKeys)
    {
        silo.AddAzureTableGrainStorage(InnerName, table =>
        {
            table.TableServiceClient = stores.Tables;
            table.TableName = options.StateTable;
            table.GrainStorageSerializer = new EnvelopeSerializer();
        });
        var services = silo.Services;
        // The pair's provider is configured like this region's but started by the replica, not by the silo.
        services.AddOptions<Orleans.Configuration.AzureTableStorageOptions>(PairName).Configure(table =>
        {
            table.TableServiceClient = stores.PairTables;
            table.TableName = options.StateTable;
            table.GrainStorageSerializer = new EnvelopeSerializer();
        });
        services.AddSingleton(stores);
        services.AddSingleton(auditKeys);
        services.AddSingleton(stores.KeyRing);
        services.AddSingleton(sp => new DataKeyStore(stores.Tables.GetTableClient(options.KeyTable), stores.KeyRing, ServiceId(sp)));
        services.AddKeyedSingleton(Pair, (sp, _) => new DataKeyStore(stores.PairTables.GetTableClient(options.KeyTable), stores.PairKeyRing, ServiceId(sp)));
        services.AddSingleton(sp => new ShredLedger(
            stores.Tables.GetTableClient(options.TombstoneTable), stores.Tables.GetTableClient(options.ReceiptTable), ServiceId(sp), auditKeys, options.ReadUnstampedEnvelopes));
        services.AddKeyedSingleton(Pair, (sp, _) => new ShredLedger(
            stores.PairTables.GetTableClient(options.TombstoneTable), stores.PairTables.GetTableClient(options.ReceiptTable), ServiceId(sp), auditKeys, options.ReadUnstampedEnvelopes));
        services.AddSingleton(sp => new IntegrityAlerts(
            sp.GetRequiredService<IGrainFactory>(), stores.Region, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<IntegrityAlerts>>()));
        services.AddSingleton(sp => new EnvelopeAuthenticity(sp.GetRequiredService<DataKeyStore>(), auditKeys, ServiceId(sp), options.ReadUnstampedEnvelopes));
        services.AddSingleton(new WitnessTable(stores.Witness.GetTableClient(RegionStores.PlacementTable)));
        if (options.VersionRecord)
        {
            services.AddSingleton(sp => new VersionRecord(stores.Witness.GetTableClient(VersionRecord.TableName), auditKeys, ServiceId(sp)));
        }

        services.AddSingleton(new ReplicationBacklog(stores.Tables.GetTableClient(RegionStores.BacklogTable)));
        services.AddSingleton(sp => new RegionFence(
            stores.Placement, stores.Region, $"{Environment.MachineName}/{Environment.ProcessId}",
            sp.GetRequiredService<WitnessTable>(), stores.Tables.GetTableClient(RegionStores.BacklogTable), sp.GetRequiredService<ILogger<RegionFence>>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RegionFence>());
        services.AddSingleton<Custodian.Regions.IRegionRole>(sp => sp.GetRequiredService<RegionFence>());
        services.AddSingleton(sp => new PairStates(Orleans.Storage.AzureTableGrainStorageFactory.Create(sp, PairName)));
        services.AddSingleton(sp => new PairReplica(
            sp.GetRequiredService<RegionFence>(),
            sp.GetRequiredKeyedService<IGrainStorage>(InnerName),
            sp.GetRequiredService<PairStates>(),
            sp.GetRequiredService<DataKeyStore>(),
            sp.GetRequiredKeyedService<DataKeyStore>(Pair),
            sp.GetRequiredService<ShredLedger>(),
            sp.GetRequiredKeyedService<ShredLedger>(Pair),
            sp.GetRequiredService<ReplicationBacklog>(),
            options,
            sp.GetRequiredService<EnvelopeAuthenticity>(),
            sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<ILogger<PairReplica>>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PairReplica>());
        services.AddSingleton<Custodian.Regions.IRegionReplication, RegionReplication>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RegionFailover>(sp, options));
        silo.AddIncomingGrainCallFilter<TenantCallFence>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RegionFailover>());
        services.AddSingleton<IConfigureGrainContextProvider, DataKeyCleanup>();
        services.AddSingleton<IKeyCustody, KeyCustody>();
        services.AddMetrics();
        services.AddSingleton<HeldDataKeys>();
        services.AddGrainStorage(SecureStorageOptions.ProviderName, (sp, _) => Encrypted(sp, new ReplicatedGrainStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(InnerName), sp.GetRequiredService<PairReplica>(), sp.GetRequiredService<RegionFence>()), options));
        return silo;
    }

    /// <summary>The encrypting storage over <paramref name="inner"/>, with the silo's keys, ledger, fence and replica.</summary>
    public static EncryptedGrainStorage Encrypted(IServiceProvider sp, IGrainStorage inner, SecureStorageOptions options, VersionRecord? versions = null) => new(
        inner,
        sp.GetRequiredService<DataKeyStore>(),
        sp.GetRequiredService<ShredLedger>(),
        options,
        sp.GetRequiredService<Serializer>(),
        sp.GetRequiredService<IGrainContextAccessor>(),
        sp.GetRequiredService<HeldDataKeys>(),
        sp.GetRequiredService<RegionFence>(),
        sp.GetRequiredService<PairReplica>(),
        sp.GetRequiredService<AuditKeys>(),
        sp.GetRequiredService<IntegrityAlerts>(),
        sp.GetRequiredService<IOptions<ClusterOptions>>(),
        sp.GetRequiredService<ILogger<EncryptedGrainStorage>>(),
        versions ?? sp.GetService<VersionRecord>());

    private static string ServiceId(IServiceProvider services) => services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
}
