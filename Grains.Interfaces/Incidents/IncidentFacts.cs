using System.Collections.Immutable;

namespace Custodian.Incidents;

/// <summary>
/// What the officer records about a breach. On an update, a null member leaves the recorded value as it is.
/// <see cref="AffectedSubjects"/> are <c>tenant/subject</c> pseudonyms; <see cref="CompromisedKeyVersions"/> names the
/// key-encryption-key versions that were compromised (empty: none; null: not known).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentFacts")]
public sealed record IncidentFacts(
    [property: Id(0)] string? Nature = null,
    [property: Id(1)] ImmutableArray<string>? SubjectCategories = null,
    [property: Id(2)] long? ApproximateSubjects = null,
    [property: Id(3)] ImmutableArray<string>? RecordCategories = null,
    [property: Id(4)] long? ApproximateRecords = null,
    [property: Id(5)] ImmutableArray<string>? AffectedTenants = null,
    [property: Id(6)] ImmutableArray<string>? AffectedSubjects = null,
    [property: Id(7)] string? LikelyConsequences = null,
    [property: Id(8)] string? Measures = null,
    [property: Id(9)] string? ContactPoint = null,
    [property: Id(10)] RiskLevel? Risk = null,
    [property: Id(11)] bool? EncryptedAtRest = null,
    [property: Id(12)] ImmutableArray<string>? CompromisedKeyVersions = null)
{
    /// <summary>Counts only: the free texts may describe people.</summary>
    public override string ToString() => $"IncidentFacts {{ Subjects = {AffectedSubjects?.Length}, Tenants = {AffectedTenants?.Length}, Risk = {Risk} }}";
}
