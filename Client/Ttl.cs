using System.Globalization;
using System.Text.RegularExpressions;

namespace Custodian.Cli;

/// <summary>Token lifetimes written as <c>30m</c>, <c>1h</c>, <c>8h</c>, <c>1d</c> or combined, <c>1h30m</c>.</summary>
internal static partial class Ttl
{
    /// <summary>The lifetime of a token when none is asked for.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromHours(1);

    /// <summary>The longest lifetime a minted token may have: what the gateway and the dashboard accept by default.</summary>
    public static readonly TimeSpan Maximum = Custodian.Hosting.TokenDefaults.MaximumLifetime;

    /// <summary>Parses a lifetime; <see cref="UsageException"/> with the reason when it is not one.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var lifetime, out var error) ? lifetime : throw new UsageException(error);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, out TimeSpan lifetime, out string error)
    {
        lifetime = TimeSpan.Zero;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            error = $"'{text}' is not a lifetime: use a number and a unit s, m, h or d, e.g. 30m, 1h, 8h, 1d or 1h30m.";
            return false;
        }

        var amounts = match.Groups["amount"].Captures;
        var units = match.Groups["unit"].Captures;
        for (var i = 0; i < amounts.Count; i++)
        {
            // At most nine digits, so the number fits; anything over 100 000 of any unit is past the maximum anyway.
            var amount = Math.Min(int.Parse(amounts[i].Value, NumberStyles.None, CultureInfo.InvariantCulture), 100_000);
            lifetime += units[i].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            if (lifetime > Maximum)
            {
                error = $"'{text}' is longer than the maximum of {Format(Maximum)}.";
                return false;
            }
        }

        if (lifetime <= TimeSpan.Zero)
        {
            error = $"'{text}' is not a usable lifetime: it must be longer than zero.";
            return false;
        }

        error = "";
        return true;
    }

    private static string Format(TimeSpan lifetime) => $"{(int)lifetime.TotalHours}h";

    [GeneratedRegex(@"^(?:(?<amount>\d{1,9})(?<unit>[smhd]))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
