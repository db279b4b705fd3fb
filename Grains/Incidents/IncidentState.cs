using Custodian.Idempotency;

namespace Custodian.Incidents;

/// <summary>What an Incident grain persists.</summary>
[GenerateSerializer, Alias("Custodian.Incidents.IncidentState")]
public sealed class IncidentState
{
    [Id(0)]
    public Incident? Incident { get; set; }

    /// <summary>The idempotency key an officer opened the incident under, written with the opening; null without one (and in states stored before keys were kept).</summary>
    [Id(1)]
    public KeyedWrite? OpenedUnder { get; set; }
}
