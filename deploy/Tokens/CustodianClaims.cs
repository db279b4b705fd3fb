namespace Custodian.Hosting;

/// <summary>The claims Custodian reads from a caller's token.</summary>
public static class CustodianClaims
{
    /// <summary>The tenant (customer) a client application acts for.</summary>
    public const string Tenant = "tenant";

    /// <summary>The caller's roles: <c>app</c>, <c>operator</c>, <c>officer</c>, <c>dpo</c>, <c>staff</c>.</summary>
    public const string Roles = "roles";

    /// <summary>The caller's stable identifier.</summary>
    public const string Subject = "sub";

    /// <summary>The role of operators, who may open the Orleans dashboard.</summary>
    public const string OperatorRole = "operator";

    /// <summary>The role of a customer's client application.</summary>
    public const string AppRole = "app";
}
