using Custodian.Hosting;
using Custodian.Incidents;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Custodian.Silo.Incidents;

/// <summary>Registers what breach incidents need: their validated options and the clock their deadlines run on.</summary>
public static class IncidentsHosting
{
    /// <summary>Adds the <c>Incidents</c> options (validated now) and the system clock under <see cref="IncidentsOptions.ClockKey"/> unless one is there.</summary>
    public static WebApplicationBuilder AddCustodianIncidents(this WebApplicationBuilder builder)
    {
        builder.AddCustodianOptions<IncidentsOptions>(IncidentsOptions.Section);
        builder.Services.TryAddKeyedSingleton(IncidentsOptions.ClockKey, TimeProvider.System);
        return builder;
    }
}
