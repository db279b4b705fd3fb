using System.Reflection;
using Custodian.Gateway.Access;
using Custodian.Gateway.Services;
using Microsoft.AspNetCore.Authorization;

namespace Custodian.Tests.Gateway;

public sealed class MethodDeclarationTests
{
    public static TheoryData<Type> Services => [typeof(SubjectsService), typeof(KeysService), typeof(BackupsService), typeof(AccessService), typeof(AuditService), typeof(RequestsService), typeof(IncidentsService)];

    [Theory]
    [MemberData(nameof(Services))]
    public void EveryMethodDeclaresTheOperationItPerformsOrTheRolesItNeeds(Type service)
    {
        var methods = service.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetBaseDefinition().DeclaringType != m.DeclaringType)
            .ToList();

        var undeclared = methods.Where(m =>
            m.GetCustomAttribute<PerformsAttribute>() is null
            && !(m.GetCustomAttribute<AuthorizeAttribute>()?.Roles is { Length: > 0 })
            && !(service.GetCustomAttribute<AuthorizeAttribute>()?.Roles is { Length: > 0 }))
            .Select(m => m.Name);

        Assert.NotEmpty(methods);
        Assert.Empty(undeclared);
        Assert.NotNull(service.GetCustomAttribute<AuthorizeAttribute>());
    }

    [Fact]
    public void EveryMethodOnPersonalDataDeclaresAnOperation()
    {
        string[] onPersonalData = ["PutRecord", "GetRecord", "ListCategories", "ShredSubject"];

        var declared = typeof(SubjectsService).GetMethods().Concat(typeof(KeysService).GetMethods())
            .Where(m => onPersonalData.Contains(m.Name) && m.DeclaringType != m.GetBaseDefinition().DeclaringType)
            .ToDictionary(m => m.Name, m => m.GetCustomAttribute<PerformsAttribute>()?.Operation);

        Assert.Equal(onPersonalData.Order(), declared.Keys.Order());
        Assert.All(declared.Values, operation => Assert.NotNull(operation));
    }
}
