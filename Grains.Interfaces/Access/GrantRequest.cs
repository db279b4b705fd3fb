using System.Collections.Immutable;
using System.Net;
using Custodian.Validation;

namespace Custodian.Access;

/// <summary>What an officer asks to grant: who, what, why, from where, for how long.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.GrantRequest")]
public sealed record GrantRequest(
    [property: Id(0)] string Principal,
    [property: Id(1)] GrantScope Scope,
    [property: Id(2)] ImmutableArray<Operation> Operations,
    [property: Id(3)] string Purpose,
    [property: Id(4)] string Justification,
    [property: Id(5)] ImmutableArray<string> Cidrs,
    [property: Id(6)] DateTimeOffset ValidFrom,
    [property: Id(7)] DateTimeOffset ValidUntil)
{
    /// <summary>Checks the request against the policy; field names are the API's.</summary>
    public IReadOnlyList<FieldViolation> Validate(AccessPolicy policy, DateTimeOffset now)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckPrincipal(Principal, "principal", violations);

        Identifiers.CheckTenantId(Scope?.TenantId, "scope.tenant_id", violations);
        foreach (var subject in Scope?.SubjectIds.IsDefault == false ? Scope.SubjectIds : [])
        {
            Identifiers.CheckSubjectId(subject, "scope.subject_ids", violations);
        }

        foreach (var category in Scope?.Categories.IsDefault == false ? Scope.Categories : [])
        {
            Identifiers.CheckCategory(category, "scope.categories", violations);
        }

        if (Operations.IsDefaultOrEmpty)
        {
            violations.Add(new FieldViolation("operations", "needs at least one operation"));
        }
        else if (Operations.Any(o => o == Operation.Unspecified || !Enum.IsDefined(o)))
        {
            violations.Add(new FieldViolation("operations", "has an unknown operation"));
        }

        // A purpose identifier, as reads declare them, so that an objection to it can match.
        Subjects.ProcessingPurposes.Check(Purpose, "purpose", violations);
        OfficerReason.Check(Justification, "justification", violations);
        if (Cidrs.IsDefaultOrEmpty)
        {
            violations.Add(new FieldViolation("cidrs", "needs at least one source network"));
        }

        foreach (var cidr in Cidrs.IsDefault ? [] : Cidrs)
        {
            if (!IPNetwork.TryParse(cidr, out var network))
            {
                violations.Add(new FieldViolation("cidrs", "must be networks in CIDR notation, e.g. 10.1.2.0/24 or 2001:db8::/48"));
            }
            else if (network.PrefixLength < policy.MinimumPrefixLength(network))
            {
                violations.Add(new FieldViolation("cidrs", $"has a network broader than the policy allows (/{policy.MinimumPrefixLength(network)} at the widest)"));
            }
        }

        if (ValidUntil <= ValidFrom)
        {
            violations.Add(new FieldViolation("valid_until", "must be after valid_from"));
        }
        else if (ValidUntil - ValidFrom > policy.MaximumDuration)
        {
            violations.Add(new FieldViolation("valid_until", $"is more than {policy.MaximumDuration.TotalHours:0.##} hours after valid_from"));
        }

        if (ValidUntil <= now)
        {
            violations.Add(new FieldViolation("valid_until", "is in the past"));
        }

        return violations;
    }

    /// <summary>True when the two-person rule applies: export or erase, or more subjects than the policy's threshold.</summary>
    public bool NeedsSecondOfficer(AccessPolicy policy) =>
        policy.TwoPersonRule
        && (Operations.Contains(Operation.Export) || Operations.Contains(Operation.Erase)
            || Scope.SubjectIds.IsDefaultOrEmpty || Scope.SubjectIds.Length > policy.TwoPersonSubjectThreshold);
}
