using System.Collections;
using System.Reflection;

namespace Custodian.Hosting;

/// <summary>
/// Every configuration section a host binds, and the options types bound to each: filled by
/// <see cref="CustodianOptions.AddCustodianOptions{T}"/> and nothing else, so it lists exactly what the
/// host reads. The <see cref="ConfigurationDigest"/> is computed over these sections.
/// </summary>
public sealed class BoundSections
{
    private readonly Dictionary<Type, string> _sections = [];

    /// <summary>The bound sections, each once, in ordinal order.</summary>
    public IReadOnlyList<string> Sections => [.. _sections.Values.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];

    /// <summary>Each bound options type and its section.</summary>
    public IReadOnlyDictionary<Type, string> Types => _sections;

    /// <summary>
    /// Records that <paramref name="type"/> is bound to <paramref name="section"/>; false when it already is.
    /// An options type has one section: binding it to a second one is a bug, and throws.
    /// </summary>
    public bool Add(string section, Type type)
    {
        if (_sections.TryGetValue(type, out var existing))
        {
            return string.Equals(existing, section, StringComparison.OrdinalIgnoreCase)
                ? false
                : throw new InvalidOperationException($"{type.Name} is bound to the section {existing} already; it cannot also be bound to {section}.");
        }

        _sections.Add(type, section);
        return true;
    }

    /// <summary>
    /// True when the configuration key (a full path such as <c>Mail:Password</c> or
    /// <c>ClusterTls:Certificate:Password</c>) is a property marked <see cref="SecretAttribute"/> of an
    /// options type bound to the key's section. Keys that name no property are not secret.
    /// </summary>
    public bool IsSecret(string key) => _sections.Any(bound =>
        key.StartsWith(bound.Value + ":", StringComparison.OrdinalIgnoreCase)
        && IsSecret(bound.Key, key[(bound.Value.Length + 1)..].Split(':')));

    private static bool IsSecret(Type type, string[] path)
    {
        foreach (var segment in path)
        {
            // A dictionary's key or a list's index names no property: step to the element type.
            if (ElementOf(type) is { } element)
            {
                type = element;
                continue;
            }

            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return false;
            }

            if (property.IsDefined(typeof(SecretAttribute), inherit: true))
            {
                return true;
            }

            type = property.PropertyType;
        }

        return false;
    }

    private static Type? ElementOf(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        var element = enumerable?.GetGenericArguments()[0];
        return element is { IsGenericType: true } && element.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)
            ? element.GetGenericArguments()[1]
            : element;
    }
}
