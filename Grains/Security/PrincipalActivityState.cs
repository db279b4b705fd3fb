using System.Collections.Immutable;

namespace Custodian.Security;

/// <summary>What a PrincipalActivity grain persists: buckets, this hour's subjects, known networks, recent denials, when each rule last fired.</summary>
[GenerateSerializer, Alias("Custodian.Security.PrincipalActivityState")]
public sealed class PrincipalActivityState
{
    [Id(0)]
    public ImmutableList<ActivityBucket> Minutes { get; set; } = [];

    [Id(1)]
    public ImmutableList<ActivityBucket> Hours { get; set; } = [];

    /// <summary>The distinct subjects (audit hashes) seen in <see cref="SubjectsHour"/>, bounded by the rule's threshold.</summary>
    [Id(2)]
    public ImmutableHashSet<string> Subjects { get; set; } = [];

    [Id(3)]
    public DateTimeOffset SubjectsHour { get; set; }

    [Id(4)]
    public ImmutableHashSet<string> Networks { get; set; } = [];

    [Id(5)]
    public ImmutableList<(DateTimeOffset At, int Count)> Denials { get; set; } = [];

    [Id(6)]
    public ImmutableDictionary<string, DateTimeOffset> LastFired { get; set; } = ImmutableDictionary<string, DateTimeOffset>.Empty;
}
