using Azure.Data.Tables;
using Custodian.Keys;
using Custodian.Silo.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Custodian.Silo;

/// <summary>Registers the <c>secure</c> grain storage.</summary>
public static class SecureStorageExtensions
{
    private const string InnerName = "secure-inner";

    /// <summary>
    /// Adds the <c>secure</c> grain storage over Azure Table storage, with data keys wrapped by
    /// <paramref name="keyRing"/>'s current key-encryption key, and the key ring, key store and shred
    /// ledger as services.
    /// </summary>
    public static ISiloBuilder AddSecureGrainStorage(
        this ISiloBuilder silo, TableServiceClient tables, SecureStorageOptions options, IKeyRing keyRing)
    {
        silo.AddAzureTableGrainStorage(InnerName, table =>
        {
            table.TableServiceClient = tables;
            table.TableName = options.StateTable;
            table.GrainStorageSerializer = new EnvelopeSerializer();
        });
        silo.Services.AddSingleton(keyRing);
        silo.Services.AddSingleton(sp => new DataKeyStore(
            tables.GetTableClient(options.KeyTable), keyRing, ServiceId(sp)));
        silo.Services.AddSingleton(sp => new ShredLedger(
            tables.GetTableClient(options.TombstoneTable), tables.GetTableClient(options.ReceiptTable), ServiceId(sp)));
        silo.Services.AddSingleton<IConfigureGrainContextProvider, DataKeyCleanup>();
        silo.Services.AddSingleton<IKeyCustody, KeyCustody>();
        silo.Services.AddMetrics();
        silo.Services.AddSingleton<HeldDataKeys>();
        silo.Services.AddGrainStorage(SecureStorageOptions.ProviderName, (sp, _) => new EncryptedGrainStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(InnerName),
            sp.GetRequiredService<DataKeyStore>(),
            sp.GetRequiredService<ShredLedger>(),
            options.StateTable,
            sp.GetRequiredService<Serializer>(),
            sp.GetRequiredService<IGrainContextAccessor>(),
            sp.GetRequiredService<HeldDataKeys>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            sp.GetRequiredService<ILogger<EncryptedGrainStorage>>()));
        return silo;
    }

    private static string ServiceId(IServiceProvider services) => services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
}
