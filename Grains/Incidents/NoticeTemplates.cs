using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Custodian.Incidents;

/// <summary>
/// The e-mail templates of incidents: plain-text files embedded per culture (<c>Templates/&lt;name&gt;.&lt;culture&gt;.txt</c>,
/// <c>en</c> required), a first line <c>Subject: …</c>, then the body, with <c>{{placeholder}}</c>s; and
/// <c>strings.&lt;culture&gt;.txt</c> with the phrases the code puts into placeholders. A culture without a template
/// falls back to its parent, then to <c>en</c>.
/// </summary>
public static partial class NoticeTemplates
{
    /// <summary>The culture every template exists in.</summary>
    public const string DefaultCulture = "en";

    private const string Prefix = "Custodian.Incidents.Templates.";
    private static readonly ConcurrentDictionary<string, string?> Cache = new();

    /// <summary>The template <paramref name="name"/> in <paramref name="culture"/> with its placeholders filled: subject line and body.</summary>
    public static (string Subject, string Body) Render(string name, string? culture, IReadOnlyDictionary<string, string> values)
    {
        var text = Load(name, culture);
        var filled = Placeholder().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v
            : throw new InvalidOperationException($"Template {name} uses the placeholder {m.Groups[1].Value}, which has no value."));
        var newline = filled.IndexOf('\n', StringComparison.Ordinal);
        var first = filled[..newline].TrimEnd('\r');
        if (!first.StartsWith("Subject:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Template {name} does not start with a Subject: line.");
        }

        return (first["Subject:".Length..].Trim(), filled[(newline + 1)..].TrimStart('\r', '\n').TrimEnd() + "\n");
    }

    /// <summary>The phrases of <paramref name="culture"/> (keys of <c>strings.en.txt</c>).</summary>
    public static IReadOnlyDictionary<string, string> Strings(string? culture) =>
        Load("strings", culture).Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    private static string Load(string name, string? culture)
    {
        foreach (var candidate in Cultures(culture))
        {
            if (Cache.GetOrAdd(name + "." + candidate, Read) is { } text)
            {
                return text;
            }
        }

        throw new InvalidOperationException($"There is no template {name}.{DefaultCulture}.");
    }

    private static IEnumerable<string> Cultures(string? culture)
    {
        if (!string.IsNullOrWhiteSpace(culture))
        {
            CultureInfo? info = null;
            try
            {
                info = CultureInfo.GetCultureInfo(culture);
            }
            catch (CultureNotFoundException)
            {
            }

            for (; info is not null && info.Name.Length > 0; info = info.Parent)
            {
                yield return info.Name;
            }
        }

        yield return DefaultCulture;
    }

    private static string? Read(string nameAndCulture)
    {
        using var stream = typeof(NoticeTemplates).Assembly.GetManifestResourceStream(Prefix + nameAndCulture + ".txt");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{\{([a-z_]+)\}\}")]
    private static partial Regex Placeholder();
}
