using Custodian.Hosting;
using Custodian.Requests;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Custodian.Silo.Requests;

/// <summary>Registers what data-subject requests need: their validated options and the clock their deadlines run on.</summary>
public static class RequestsHosting
{
    /// <summary>Adds the <c>Requests</c> options (validated now) and the system clock under <see cref="RequestsOptions.ClockKey"/> unless one is there.</summary>
    public static WebApplicationBuilder AddCustodianRequests(this WebApplicationBuilder builder)
    {
        builder.AddCustodianOptions<RequestsOptions>(RequestsOptions.Section);
        builder.Services.TryAddKeyedSingleton(RequestsOptions.ClockKey, TimeProvider.System);
        return builder;
    }
}
