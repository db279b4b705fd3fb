using Azure.Data.Tables;
using Custodian.Keys;
using Custodian.Silo.Storage;

namespace Custodian.Silo;

/// <summary>What Custodian's grains need of any silo that hosts them, whatever its clustering and transport.</summary>
public static class GrainServicesExtensions
{
    /// <summary>
    /// Adds reminders over Azure Table storage (with a minimum period that admits the rewrap job's), the
    /// <c>secure</c> grain storage with its key ring, and activity propagation. The silo host adds these;
    /// so do tests that run several silos in one process.
    /// </summary>
    public static ISiloBuilder AddCustodianGrainServices(
        this ISiloBuilder orleans, TableServiceClient tables, SecureStorageOptions storage, IKeyRing keyRing, KeyRotationOptions keyRotation)
    {
        orleans.UseAzureTableReminderService(o => o.TableServiceClient = tables);
        // Orleans refuses reminder periods under a minute unless told otherwise; the rewrap job's may be shorter.
        orleans.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMinutes(1) < keyRotation.ReminderPeriod ? TimeSpan.FromMinutes(1) : keyRotation.ReminderPeriod);
        orleans.AddSecureGrainStorage(tables, storage, keyRing);
        orleans.AddActivityPropagation();
        return orleans;
    }
}
