using Custodian.Keys;
using Custodian.Silo.Regions;
using Custodian.Silo.Storage;

namespace Custodian.Silo;

/// <summary>What Custodian's grains need of any silo that hosts them, whatever its clustering and transport.</summary>
public static class GrainServicesExtensions
{
    /// <summary>
    /// Adds reminders over Azure Table storage (with a minimum period that admits the rewrap job's), the
    /// <c>secure</c> grain storage (this region and its pair, fenced by the witness) with its key rings and the audit keys
    /// (whose integrity key authenticates tombstones), and activity propagation. The silo host adds these;
    /// so do tests that run several silos in one process.
    /// </summary>
    public static ISiloBuilder AddCustodianGrainServices(
        this ISiloBuilder orleans, RegionStores stores, SecureStorageOptions storage, KeyRotationOptions keyRotation, Custodian.Hosting.AuditKeys auditKeys)
    {
        orleans.UseAzureTableReminderService(o => o.TableServiceClient = stores.Tables);
        // Orleans refuses reminder periods under a minute unless told otherwise; the rewrap job's may be shorter.
        orleans.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMinutes(1) < keyRotation.ReminderPeriod ? TimeSpan.FromMinutes(1) : keyRotation.ReminderPeriod);
        orleans.AddSecureGrainStorage(stores, storage, auditKeys);
        orleans.AddActivityPropagation();
        return orleans;
    }
}
