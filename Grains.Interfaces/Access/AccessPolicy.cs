using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace Custodian.Access;

/// <summary>The access policy: how long, how wide and with how many officers a grant may be issued.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.AccessPolicy")]
public sealed record AccessPolicy
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Access";

    /// <summary>The longest validity window of a grant.</summary>
    [Id(0), Range(typeof(TimeSpan), "00:00:01", "366.00:00:00")]
    public TimeSpan MaximumDuration { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The widest IPv4 network a grant may allow (prefix length); 0 would allow 0.0.0.0/0.</summary>
    [Id(1), Range(0, 32)]
    public int MinimumIPv4Prefix { get; init; } = 8;

    /// <summary>The widest IPv6 network a grant may allow (prefix length).</summary>
    [Id(2), Range(0, 128)]
    public int MinimumIPv6Prefix { get; init; } = 32;

    /// <summary>When set, export or erase grants, and grants over many (or all) subjects, need a second officer's approval.</summary>
    [Id(3)]
    public bool TwoPersonRule { get; init; }

    /// <summary>Above this many listed subjects the two-person rule applies.</summary>
    [Id(4), Range(0, int.MaxValue)]
    public int TwoPersonSubjectThreshold { get; init; } = 10;

    /// <summary>How often an access review opens.</summary>
    [Id(5), Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan ReviewPeriod { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How long officers have to decide each grant of a review before it is suspended.</summary>
    [Id(6), Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan ReviewDeadline { get; init; } = TimeSpan.FromDays(14);

    /// <summary>The widest prefix allowed for the network's address family.</summary>
    public int MinimumPrefixLength(IPNetwork network) =>
        network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? MinimumIPv6Prefix : MinimumIPv4Prefix;
}
