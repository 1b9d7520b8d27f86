from django.urls import path

from cases import views

urlpatterns = [
    path("", views.s47_list, name="cases-s47-list"),
    path("children/", views.child_list, name="cases-child-list"),
    path("children/<uuid:child_uuid>/", views.child_detail, name="cases-child-detail"),
    path("import/", views.import_upload, name="cases-import"),
    path("import/<str:token>/", views.import_preview, name="cases-import-preview"),
    path("import/<str:token>/confirm/", views.import_confirm, name="cases-import-confirm"),
    path("import/<str:token>/encoding/", views.import_encoding, name="cases-import-encoding"),
]
