namespace Custodian.Incidents;

/// <summary>The officer's assessment of the risk to the rights and freedoms of the people affected (Art. 33(1), 34(1)).</summary>
[GenerateSerializer, Alias("Custodian.Incidents.RiskLevel")]
public enum RiskLevel
{
    /// <summary>Not assessed yet: the 72-hour obligation runs.</summary>
    Unassessed = 0,

    /// <summary>Unlikely to result in a risk: no notice to the authority is due (Art. 33(1)); still in the register.</summary>
    None = 1,

    /// <summary>A risk: the authority is notified (Art. 33).</summary>
    Risk = 2,

    /// <summary>A high risk: the authority and the data subjects are notified (Art. 33, 34).</summary>
    High = 3,
}
