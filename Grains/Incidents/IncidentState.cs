namespace Custodian.Incidents;

/// <summary>What an Incident grain persists.</summary>
[GenerateSerializer, Alias("Custodian.Incidents.IncidentState")]
public sealed class IncidentState
{
    [Id(0)]
    public Incident? Incident { get; set; }
}
