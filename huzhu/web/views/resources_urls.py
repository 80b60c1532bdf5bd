"""URL patterns of the resource, search and savings pages (included by ``huzhu.web.urls``)."""

from django.urls import path

from huzhu.web.views import resources, search

G = "groups/<int:group_id>/"
R = "resources/<int:resource_id>/"

urlpatterns = [
    path(G + "resources/", resources.resource_list, name="resource_list"),
    path(G + "resources/share/", resources.resource_share_view, name="resource_share"),
    path(G + "similar/", search.similar_panel, name="search_similar"),
    path(R, resources.resource_detail, name="resource_detail"),
    path(R + "edit/", resources.resource_edit_view, name="resource_edit"),
    path(R + "delete/", resources.resource_delete_view, name="resource_delete"),
    path(R + "confirm/", resources.resource_confirm_view, name="resource_confirm"),
    path(R + "reshare/", resources.resource_reshare_view, name="resource_reshare"),
    path(R + "qr.png", resources.resource_qr_view, name="resource_qr"),
    path("search/", search.search_page, name="search"),
    path("me/savings/", resources.my_savings, name="my_savings"),
]
