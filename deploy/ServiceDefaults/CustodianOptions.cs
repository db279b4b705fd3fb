using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Custodian.Hosting;

/// <summary>
/// The one way Custodian reads configuration. Each options class is bound to its section with
/// <c>AddOptions&lt;T&gt;().BindConfiguration(section)</c>, validated by its data annotations (and
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>) with errors naming
/// <c>Section:Key</c>, and validated again on start; consumers take <see cref="IOptions{T}"/> or
/// the options type itself, resolved from it. Every section is recorded in
/// <see cref="BoundSections"/>, which the <see cref="ConfigurationDigest"/> covers.
/// </summary>
public static class CustodianOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> (once, however often it is called) and
    /// returns the bound, validated instance for what the host needs before it is built (certificates,
    /// ports, cluster TLS). A bad value stops the host here with an <see cref="OptionsValidationException"/>
    /// naming each bad key, before anything starts or is written.
    /// </summary>
    public static T AddCustodianOptions<T>(this IHostApplicationBuilder builder, string section) where T : class
    {
        if (SectionsOf(builder.Services).Add(section, typeof(T)))
        {
            Bind<T>(builder.Services, section);
            builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<T>>().Value);
        }

        // The same binding and the same validator as the host's container, without building a container.
        var value = Activator.CreateInstance<T>();
        builder.Configuration.GetSection(section).Bind(value);
        var result = new SectionValidation<T>(section).Validate(Options.DefaultName, value);
        return result.Failed ? throw new OptionsValidationException(section, typeof(T), result.Failures) : value;
    }

    private static void Bind<T>(IServiceCollection services, string section) where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SectionValidation<T>(section));
    }

    private static BoundSections SectionsOf(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(BoundSections))?.ImplementationInstance is BoundSections sections)
        {
            return sections;
        }

        sections = new BoundSections();
        services.AddSingleton(sections);
        services.AddSingleton<ConfigurationDigest>();
        return sections;
    }
}
