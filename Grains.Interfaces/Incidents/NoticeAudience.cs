namespace Custodian.Incidents;

/// <summary>Who a notice goes to.</summary>
[GenerateSerializer, Alias("Custodian.Incidents.NoticeAudience")]
public enum NoticeAudience
{
    /// <summary>Not chosen.</summary>
    Unspecified = 0,

    /// <summary>The supervisory authority configured for each affected tenant (Art. 33(1)).</summary>
    Authority = 1,

    /// <summary>Each affected customer, the controller (Art. 33(2)).</summary>
    Customer = 2,

    /// <summary>The affected data subjects not exempt under Art. 34(3)(a), in plain language (Art. 34(1)); high risk only.</summary>
    Subjects = 3,
}
