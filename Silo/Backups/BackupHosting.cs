using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Custodian.Backups;
using Custodian.Hosting;
using Custodian.Silo.Storage;

namespace Custodian.Silo.Backups;

/// <summary>Registers the backup vault and the backup schedule's options.</summary>
public static class BackupHosting
{
    /// <summary>Adds backups of the <c>secure</c> storage to the container configured under <c>Backup</c>, validated now.</summary>
    public static WebApplicationBuilder AddCustodianBackups(
        this WebApplicationBuilder builder, SiloOptions silo, SecureStorageOptions storage, TableServiceClient tables, string storageConnection)
    {
        builder.AddCustodianOptions<BackupOptions>(BackupOptions.Section);
        var backup = builder.AddCustodianOptions<BackupStorageOptions>(BackupStorageOptions.Section);
        var backupConnection = builder.Configuration.GetConnectionString("Backup") ?? storageConnection;
        builder.Services.AddSingleton<IBackupVault>(sp => new BackupVault(
            new BlobContainerClient(backupConnection, backup.Container),
            tables.GetTableClient(storage.StateTable),
            sp.GetRequiredService<DataKeyStore>(),
            sp.GetRequiredService<ShredLedger>(),
            sp.GetRequiredService<AuditKeys>(),
            storage,
            backup,
            silo.Region,
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
