using System.Collections.Immutable;

namespace Custodian.Incidents;

/// <summary>What the register persists: one row per incident, by <c>tenant/incident</c>.</summary>
[GenerateSerializer, Alias("Custodian.Incidents.IncidentRegisterState")]
public sealed class IncidentRegisterState
{
    [Id(0)]
    public ImmutableSortedDictionary<string, IncidentSummary> Rows { get; set; } = ImmutableSortedDictionary<string, IncidentSummary>.Empty.WithComparers(StringComparer.Ordinal);
}
