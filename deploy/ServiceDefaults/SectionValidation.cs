using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Custodian.Hosting;

/// <summary>
/// Validates an options instance by its data annotations and <see cref="IValidatableObject"/>, as
/// <c>ValidateDataAnnotations()</c> does, but names each failure by its configuration key
/// (<c>Backup:Period: …</c>), which is what an operator sets, rather than by type and member.
/// </summary>
internal sealed class SectionValidation<T>(string section) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(results.Select(r => r.MemberNames.Any()
                ? $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"
                : $"{section}: {r.ErrorMessage}"));
    }
}
