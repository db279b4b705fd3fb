using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Custodian.Audit;

/// <summary>Registers a host's way to its region's audit trail: the one writer and the one reader.</summary>
public static class AuditTrailServices
{
    /// <summary>
    /// Adds the <see cref="AuditWriter"/> and the <see cref="AuditReader"/> of <paramref name="region"/>'s trail of
    /// <paramref name="partitions"/> partitions, over the host's grain factory (a silo's, or a client's), and the writer
    /// as the host's <see cref="IAuditTrail"/> unless one is registered (a host that observes what it audits registers its own around the writer).
    /// </summary>
    public static IServiceCollection AddCustodianAuditTrail(this IServiceCollection services, string region, int partitions)
    {
        services.AddSingleton(s => new AuditWriter(s.GetRequiredService<IGrainFactory>(), region, partitions, s.GetRequiredService<IMeterFactory>()));
        services.AddSingleton(s => new AuditReader(s.GetRequiredService<IGrainFactory>(), region, partitions));
        services.TryAddSingleton<IAuditTrail>(s => s.GetRequiredService<AuditWriter>());
        return services;
    }
}
